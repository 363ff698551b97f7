package dev.switchboard.router.protection;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One classification rule, as data: messages of {@code type} (or of any type when null) whose
 * {@code payload.content} matches {@code contentPattern} (or any content when null) get
 * {@code priority} and {@code label}.
 *
 * @param type           the message type, or null for any
 * @param contentPattern a regular expression searched in {@code payload.content}, or null
 * @param priority       the class to assign
 * @param label          {@code strategic} or {@code tactical}
 */
public record ClassificationRule(String type, Pattern contentPattern, Priority priority, String label) {
    public ClassificationRule {
        Objects.requireNonNull(priority, "priority must not be null");
        label = label == null ? Classification.TACTICAL : label;
    }

    /** A rule on type alone. */
    public static ClassificationRule forType(String type, Priority priority, String label) {
        return new ClassificationRule(type, null, priority, label);
    }
}
