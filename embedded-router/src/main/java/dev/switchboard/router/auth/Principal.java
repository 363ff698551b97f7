package dev.switchboard.router.auth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An authenticated user, fixed at the handshake.
 *
 * @param userId the user id (1 to 64 characters of {@code [A-Za-z0-9._@-]}, not only dots)
 * @param role   what the user may do
 */
public record Principal(String userId, Role role) {
    /** What a user id may be, in words. */
    public static final String USER_ID_RULE =
            "user id must be 1 to 64 characters of [A-Za-z0-9._@-], and not only dots";
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern ONLY_DOTS = Pattern.compile("\\.+");

    public Principal {
        Objects.requireNonNull(role, "role must not be null");
        if (!isValidUserId(userId)) {
            throw new IllegalArgumentException(USER_ID_RULE);
        }
    }

    /** Whether {@code userId} is a well-formed user id. */
    public static boolean isValidUserId(String userId) {
        return userId != null && USER_ID.matcher(userId).matches() && !ONLY_DOTS.matcher(userId).matches();
    }
}
