package dev.switchboard.router.protection;

import java.util.Objects;
import java.util.Set;

/**
 * What the validator enforces beyond the codec's rules.
 *
 * @param maxFields          object fields allowed in one message, all levels counted
 * @param maxStringChars     characters allowed in any one string field; over it {@code too_large}
 * @param controlCharacters  what to do with control characters (other than tab, CR, LF) in strings
 * @param rejectMarkup       whether script/HTML injection in a string field is refused
 * @param markupExemptTypes  message types whose payload may carry markup (e.g. {@code validate_content},
 *                           whose job is to judge it)
 */
public record ValidationPolicy(int maxFields, int maxStringChars, ControlCharacters controlCharacters,
                               boolean rejectMarkup, Set<String> markupExemptTypes) {

    /** The control-character policy. */
    public enum ControlCharacters {
        /** Refuse the message with {@code invalid_message}. */
        REJECT,
        /** Remove the characters and route the cleaned message. */
        STRIP
    }

    public ValidationPolicy {
        if (maxFields < 1 || maxStringChars < 1) {
            throw new IllegalArgumentException("maxFields and maxStringChars must be at least 1");
        }
        Objects.requireNonNull(controlCharacters, "controlCharacters must not be null");
        markupExemptTypes = Set.copyOf(markupExemptTypes);
    }

    /** 256 fields, 16,384-character strings, control characters refused, markup refused but in validate_content. */
    public static ValidationPolicy defaults() {
        return new ValidationPolicy(256, 16_384, ControlCharacters.REJECT, true, Set.of("validate_content"));
    }
}
