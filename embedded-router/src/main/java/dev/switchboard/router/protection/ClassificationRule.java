package dev.switchboard.router.protection;

import java.util.List;
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

    /** The default rules: stop, heartbeat and ping critical; start_agent high; typing low. */
    public static List<ClassificationRule> defaults() {
        return List.of(
                forType("stop_agent", Priority.CRITICAL, Classification.TACTICAL),
                forType("heartbeat", Priority.CRITICAL, Classification.TACTICAL),
                forType("ping", Priority.CRITICAL, Classification.TACTICAL),
                forType("start_agent", Priority.HIGH, Classification.STRATEGIC),
                forType("typing", Priority.LOW, Classification.TACTICAL));
    }
}
