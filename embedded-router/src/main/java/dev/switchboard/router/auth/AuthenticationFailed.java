package dev.switchboard.router.auth;

/** A handshake credential was missing, malformed, badly signed, out of its validity or not allowed. */
public final class AuthenticationFailed extends Exception {
    private final String reason;

    /**
     * @param reason a short metric-safe reason ({@code missing}, {@code invalid}, {@code expired},
     *               {@code bad_user}, {@code too_large}, {@code no_exp}, {@code not_yet_valid},
     *               {@code bad_role}, {@code too_long_lived}, {@code dev_auth_off})
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
