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

    /**
     * Parses a {@code role} claim: absent (null) means {@link #USER}; otherwise it must be
     * {@code viewer} or {@code operator}.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static Role parse(String claim) {
        if (claim == null) {
            return USER;
        }
        if (VIEWER.wire().equals(claim)) {
            return VIEWER;
        }
        if (OPERATOR.wire().equals(claim)) {
            return OPERATOR;
        }
        throw new IllegalArgumentException("role must be viewer or operator");
    }
}
