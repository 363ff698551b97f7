package dev.switchboard.router.auth;

import java.util.Locale;

/** What a token lets its holder do. Chat clients need no role; the monitor needs one. */
public enum Role {
    /** A chat client (no {@code role} claim). */
    USER,
    /** May watch the monitor feed. */
    VIEWER,
    /** May also inject, disconnect and change limits. */
    OPERATOR;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@code role} claim; null or empty means {@link #USER}. */
    public static Role parse(String claim) {
        if (claim == null || claim.isEmpty()) {
            return USER;
        }
        return valueOf(claim.toUpperCase(Locale.ROOT));
    }
}
