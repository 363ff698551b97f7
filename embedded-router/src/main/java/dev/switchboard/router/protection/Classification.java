package dev.switchboard.router.protection;

import java.util.Objects;

/**
 * What the classifier decided for a message.
 *
 * @param priority the dispatch class
 * @param label    {@code strategic} or {@code tactical}
 * @param rule     the index of the rule that matched, or -1 for the default
 */
public record Classification(Priority priority, String label, int rule) {
    public static final String STRATEGIC = "strategic";
    public static final String TACTICAL = "tactical";

    public Classification {
        Objects.requireNonNull(priority, "priority must not be null");
        if (!STRATEGIC.equals(label) && !TACTICAL.equals(label)) {
            throw new IllegalArgumentException("label must be strategic or tactical");
        }
    }
}
