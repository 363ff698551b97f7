package dev.switchboard.router.auth;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An authenticated user, fixed at the handshake.
 *
 * @param userId the user id (1 to 64 characters of {@code [A-Za-z0-9._@-]})
 * @param role   what the user may do
 */
public record Principal(String userId, Role role) {
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,64}");

    public Principal {
        Objects.requireNonNull(role, "role must not be null");
        if (!isValidUserId(userId)) {
            throw new IllegalArgumentException("user id must be 1 to 64 characters of [A-Za-z0-9._@-]");
        }
    }

    /** Whether {@code userId} is a well-formed user id. */
    public static boolean isValidUserId(String userId) {
        return userId != null && USER_ID.matcher(userId).matches();
    }
}
