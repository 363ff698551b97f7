package dev.switchboard.router.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What a recording keeps of a frame when it does not keep content: its shape and the texts that
 * route it, and nothing a user wrote. Kept as they are: the message's own {@code type},
 * {@code message_id}, {@code thread_id}, {@code run_id}, {@code agent}, {@code jsonrpc},
 * {@code method} and {@code id}, and in its {@code payload} (a JSON-RPC request's {@code params})
 * {@code run_id}, {@code thread_id}, {@code agent}, {@code state} and a {@code tools} list of names; a
 * {@code batch}'s messages are messages of their own. Every other text, at any depth, becomes filler
 * that keeps what limits and validation look at: each letter or digit is replaced by one of the same
 * UTF-8 width (so both the length in characters and the size in bytes stay), and everything else —
 * blanks, punctuation, markup, control characters — stays, so a blank text stays blank and markup
 * stays markup. Keys, numbers, booleans and nulls are kept.
 */
final class ContentMask {
    /** The message's own fields whose texts route it. */
    static final Set<String> MESSAGE_KEPT = Set.of("type", "message_id", "thread_id", "run_id", "agent", "jsonrpc",
            "method", "id");
    /** The payload's fields whose texts route it. */
    static final Set<String> PAYLOAD_KEPT = Set.of("run_id", "thread_id", "agent", "state");
    private static final String LETTERS = "loremipsumdolorsitametconsecteturadipiscingelitseddoeiusmodtempor";

    private ContentMask() {
    }

    /** A masked copy of {@code message}. */
    static ObjectNode mask(ObjectNode message) {
        ObjectNode copy = message.deepCopy();
        maskMessage(copy);
        return copy;
    }

    /** A masked copy of any JSON value (a frame that is no message): every text masked. */
    static JsonNode maskValue(JsonNode value) {
        if (value.isTextual()) {
            return TextNode.valueOf(filler(value.textValue()));
        }
        JsonNode copy = value.deepCopy();
        maskAll(copy);
        return copy;
    }

    private static void maskMessage(ObjectNode message) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = message.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            String key = field.getKey();
            if (MESSAGE_KEPT.contains(key) && !value.isContainerNode()) {
                continue;
            }
            if ((key.equals("payload") || key.equals("params")) && value instanceof ObjectNode payload) {
                maskPayload(payload, message.path("type").asText(message.path("method").asText("")));
            } else if (value.isTextual()) {
                field.setValue(TextNode.valueOf(filler(value.textValue())));
            } else {
                maskAll(value);
            }
        }
    }

    private static void maskPayload(ObjectNode payload, String type) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = payload.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            String key = field.getKey();
            if (PAYLOAD_KEPT.contains(key) && !value.isContainerNode() || key.equals("tools") && isNameList(value)) {
                continue;
            }
            if (type.equals("batch") && key.equals("messages") && value instanceof ArrayNode messages) {
                for (JsonNode element : messages) {
                    if (element instanceof ObjectNode inner) {
                        maskMessage(inner);
                    } else {
                        maskAll(element);
                    }
                }
            } else if (value.isTextual()) {
                field.setValue(TextNode.valueOf(filler(value.textValue())));
            } else {
                maskAll(value);
            }
        }
    }

    private static boolean isNameList(JsonNode value) {
        if (!value.isArray()) {
            return false;
        }
        for (JsonNode element : value) {
            if (!element.isTextual() || element.textValue().length() > 64) {
                return false;
            }
        }
        return true;
    }

    /** Masks every text inside a container, keys kept. */
    private static void maskAll(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(filler(field.getValue().textValue())));
                } else {
                    maskAll(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(filler(array.get(i).textValue())));
                } else {
                    maskAll(array.get(i));
                }
            }
        }
    }

    /**
     * {@code text} with each letter or digit replaced by filler of the same UTF-8 width (one byte: a
     * letter of "lorem ipsum…"; two: {@code é}; three: {@code あ}; four: {@code 𝐚}), everything else
     * kept.
     */
    static String filler(String text) {
        StringBuilder masked = new StringBuilder(text.length());
        int letter = 0;
        for (int i = 0; i < text.length(); ) {
            int point = text.codePointAt(i);
            i += Character.charCount(point);
            if (!Character.isLetterOrDigit(point)) {
                masked.appendCodePoint(point);
            } else if (point < 0x80) {
                masked.append(LETTERS.charAt(letter++ % LETTERS.length()));
            } else if (point < 0x800) {
                masked.append('é');
            } else if (point < 0x10000) {
                masked.append('あ');
            } else {
                masked.appendCodePoint(0x1D41A); // MATHEMATICAL BOLD SMALL A: four bytes, two UTF-16 units
            }
        }
        return masked.toString();
    }
}
