package dev.switchboard.router.auth;

/** A handshake credential was missing, malformed, badly signed or expired. */
public final class AuthenticationFailed extends Exception {
    private final String reason;

    /**
     * @param reason a short metric-safe reason ({@code missing}, {@code invalid}, {@code expired},
     *               {@code bad_user})
     * @param message the text for the HTTP 401 body
     */
    public AuthenticationFailed(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
