package dev.switchboard.router.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What a recording keeps of a message when it does not keep content: its shape (every key, every
 * number, boolean and null, the length of every text) and the texts that route it, and nothing a
 * user wrote. A text under a structural key ({@link #KEPT}, at any depth) stays as it is; every other
 * text becomes filler of the same length, so that size limits, validation and rate limits see
 * what they saw.
 */
final class ContentMask {
    /** Keys whose texts are routing, not content: ids, types, agent and tool names. */
    static final Set<String> KEPT = Set.of("type", "message_id", "thread_id", "run_id", "agent", "tools", "jsonrpc",
            "method", "id", "state");
    private static final String FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
            + "tempor incididunt ut labore et dolore magna aliqua ";

    private ContentMask() {
    }

    /** A masked copy of {@code message}. */
    static ObjectNode mask(ObjectNode message) {
        ObjectNode copy = message.deepCopy();
        maskObject(copy);
        return copy;
    }

    private static void maskObject(ObjectNode object) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (KEPT.contains(field.getKey()) && !field.getValue().isContainerNode()
                    || field.getKey().equals("tools") && field.getValue().isArray()) {
                continue;
            }
            JsonNode value = field.getValue();
            if (value.isTextual()) {
                field.setValue(TextNode.valueOf(filler(value.textValue().length())));
            } else {
                maskContainer(value);
            }
        }
    }

    private static void maskContainer(JsonNode node) {
        if (node instanceof ObjectNode object) {
            maskObject(object);
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode element = array.get(i);
                if (element.isTextual()) {
                    array.set(i, TextNode.valueOf(filler(element.textValue().length())));
                } else {
                    maskContainer(element);
                }
            }
        }
    }

    /** Words of filler cut to {@code length} characters. */
    static String filler(int length) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append(FILLER, 0, Math.min(FILLER.length(), length - text.length()));
        }
        return text.toString();
    }
}
