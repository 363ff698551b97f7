package dev.switchboard.router.protection.internal;

import dev.switchboard.router.protection.ValidationPolicy;
import dev.switchboard.router.protection.FrameRejection;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.router.protocol.ClientMessage;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Checks a decoded message against the {@link ValidationPolicy} and the payload rules of its type:
 * field count, string sizes, control characters, markup injection, payload field types. One walk
 * of the payload, or none when the codec's scan of it already proves it clean; the accepting
 * path allocates nothing.
 */
public final class MessageValidator {
    /**
     * Possessive quantifiers throughout: no part of a match is ever retried, so the check is linear in
     * the text (with {@code <\\s*}{@code /?\\s*} a long run of blanks after {@code <} cost seconds).
     */
    private static final Pattern MARKUP = Pattern.compile(
            "(?i)<\\s*+/?+\\s*+(script|iframe|object|embed|svg|img|style|link|meta)\\b|javascript\\s*+:|\\bon[a-z]++\\s*+=");

    private final ValidationPolicy policy;

    public MessageValidator(ValidationPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy must not be null");
    }

    public ValidationPolicy policy() {
        return policy;
    }

    /**
     * Validates {@code message}; under the strip policy, control characters are removed from its
     * payload in place.
     *
     * @return null when the message may go on, else why not
     */
    public FrameRejection validate(ClientMessage message) {
        if (hasControl(message.messageId()) || hasControl(message.threadId()) || hasControl(message.runId())) {
            return new FrameRejection(FrameRejection.Reason.CONTROL_CHARACTERS, "an id field holds control characters");
        }
        boolean checkMarkup = policy.rejectMarkup() && !policy.markupExemptTypes().contains(message.type());
        if (!passesScan(message.payloadScan(), checkMarkup)) {
            int[] fields = {0};
            FrameRejection rejection = walk(message.payload(), checkMarkup, fields);
            if (rejection != null) {
                return rejection;
            }
        }
        if (!PayloadRules.covers(message.type())) {
            return null;
        }
        String problem = PayloadRules.problem(message.type(), message.payload());
        return problem == null ? null : new FrameRejection(FrameRejection.Reason.PAYLOAD_TYPES, problem);
    }

    /**
     * Whether what the codec saw while streaming the payload proves the walk would find nothing:
     * then the payload tree is not even built. Any doubt (a control character to strip or refuse,
     * a markup character, more fields or a longer string than allowed) leaves the verdict to the walk.
     */
    private boolean passesScan(ClientMessage.PayloadScan scan, boolean checkMarkup) {
        return scan != null && scan.fields() <= policy.maxFields() && scan.longestString() <= policy.maxStringChars()
                && !scan.control() && !(checkMarkup && scan.markupChars());
    }

    private FrameRejection walk(JsonNode node, boolean checkMarkup, int[] fields) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> entries = object.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                if (++fields[0] > policy.maxFields()) {
                    return new FrameRejection(FrameRejection.Reason.TOO_MANY_FIELDS,
                            "a message may hold at most " + policy.maxFields() + " fields");
                }
                FrameRejection rejection = visit(entry.getValue(), checkMarkup, fields, entry::setValue);
                if (rejection != null) {
                    return rejection;
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                int index = i;
                FrameRejection rejection = visit(array.get(i), checkMarkup, fields, cleaned -> array.set(index, cleaned));
                if (rejection != null) {
                    return rejection;
                }
            }
        }
        return null;
    }

    /** Checks one value: a text is cleaned (strip policy) through {@code replace}, then checked; containers are walked. */
    private FrameRejection visit(JsonNode value, boolean checkMarkup, int[] fields, Consumer<JsonNode> replace) {
        if (!value.isTextual()) {
            return walk(value, checkMarkup, fields);
        }
        String cleaned = cleanText(value.asText());
        if (cleaned != null) {
            replace.accept(TextNode.valueOf(cleaned));
        }
        return checkText(cleaned != null ? cleaned : value.asText(), checkMarkup);
    }

    /**
     * Under the strip policy, the text without its control characters when it had any; otherwise
     * null (nothing to replace).
     */
    private String cleanText(String text) {
        if (policy.controlCharacters() != ValidationPolicy.ControlCharacters.STRIP || !hasControl(text)) {
            return null;
        }
        StringBuilder cleaned = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                cleaned.append(c);
            }
        }
        return cleaned.toString();
    }

    private FrameRejection checkText(String text, boolean checkMarkup) {
        if (text.length() > policy.maxStringChars()) {
            return new FrameRejection(FrameRejection.Reason.FIELD_TOO_LARGE,
                    "a text field is over " + policy.maxStringChars() + " characters");
        }
        if (hasControl(text)) {
            return new FrameRejection(FrameRejection.Reason.CONTROL_CHARACTERS, "a text field holds control characters");
        }
        if (checkMarkup && mayHoldMarkup(text) && MARKUP.matcher(text).find()) {
            return new FrameRejection(FrameRejection.Reason.MARKUP, "a text field holds script or HTML markup");
        }
        return null;
    }

    /** A cheap pre-check: every markup pattern needs one of these characters. */
    private static boolean mayHoldMarkup(String text) {
        return text.indexOf('<') >= 0 || text.indexOf(':') >= 0 || text.indexOf('=') >= 0;
    }

    private static boolean hasControl(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
    }
}
