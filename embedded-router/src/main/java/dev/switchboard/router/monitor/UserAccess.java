package dev.switchboard.router.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a tool (the console's inject panel) may open a client connection on {@code /ws} as a user:
 * with a short-lived token for that user, or, on a router without a JWT secret, with dev auth
 * ({@code ?user=}). Either way the connection goes through the normal handshake and pipeline.
 *
 * @param userId    the user the connection will be
 * @param token     an HS256 JWT for {@code userId} with role user, or null with dev auth
 * @param expiresAt when {@code token} expires (a connection opened before then stays open), or null
 * @param devAuth   whether the router accepts {@code ?user=} instead of a token
 */
public record UserAccess(String userId, String token, Instant expiresAt, boolean devAuth) {
    /** How long an issued user token is valid for a handshake. */
    public static final Duration TOKEN_TTL = Duration.ofMinutes(5);

    public UserAccess {
        Objects.requireNonNull(userId, "userId must not be null");
        if ((token == null) != devAuth) {
            throw new IllegalArgumentException("either a token or dev auth");
        }
    }

    /** Access with a token for {@code userId}. */
    public static UserAccess token(String userId, String token, Instant expiresAt) {
        return new UserAccess(userId, Objects.requireNonNull(token, "token must not be null"),
                Objects.requireNonNull(expiresAt, "expiresAt must not be null"), false);
    }

    /** Access with dev auth ({@code ?user=userId}). */
    public static UserAccess devAuth(String userId) {
        return new UserAccess(userId, null, null, true);
    }
}
