package dev.switchboard.router.protection.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.protocol.WireId;
import java.util.List;
import java.util.Map;

/**
 * The payload field types each built-in message type expects, as data. A type not listed here is
 * not checked (custom handlers check their own payloads).
 */
public final class PayloadRules {

    /** A JSON kind a field must have. */
    enum Kind {
        STRING, NON_EMPTY_STRING, ID, ARRAY, OBJECT;

        boolean accepts(JsonNode node) {
            switch (this) {
                case STRING:
                    return node.isTextual();
                case NON_EMPTY_STRING:
                    return node.isTextual() && !node.asText().isBlank();
                case ID:
                    return node.isTextual() && WireId.isValid(node.textValue());
                case ARRAY:
                    return node.isArray();
                case OBJECT:
                    return node.isObject();
                default:
                    return false;
            }
        }

        String describe() {
            switch (this) {
                case NON_EMPTY_STRING:
                    return "a non-empty string";
                case ID:
                    return WireId.RULE;
                case ARRAY:
                    return "an array";
                case OBJECT:
                    return "an object";
                default:
                    return "a string";
            }
        }
    }

    /** One field's rule. */
    record Field(String name, Kind kind, boolean required) {
        String problem(JsonNode payload) {
            JsonNode value = payload.get(name);
            if (value == null || value.isNull()) {
                return required ? "payload." + name + " is required" : null;
            }
            return kind.accepts(value) ? null : "payload." + name + " must be " + kind.describe();
        }
    }

    private static final Map<String, List<Field>> RULES = Map.of(
            "typing", List.of(new Field("state", Kind.STRING, true)),
            "user_message", List.of(new Field("content", Kind.NON_EMPTY_STRING, true)),
            "start_agent", List.of(new Field("content", Kind.NON_EMPTY_STRING, true),
                    new Field("agent", Kind.STRING, false), new Field("tools", Kind.ARRAY, false)),
            "stop_agent", List.of(new Field("run_id", Kind.ID, false)),
            "validate_content", List.of(new Field("content", Kind.STRING, true)),
            "batch", List.of(new Field("messages", Kind.ARRAY, true)));

    private PayloadRules() {
    }

    /** Whether {@code type} has payload rules (without one, its payload is never read here). */
    static boolean covers(String type) {
        return RULES.containsKey(type);
    }

    /** The first problem with {@code payload} for {@code type}, or null when it fits. */
    static String problem(String type, JsonNode payload) {
        List<Field> fields = RULES.get(type);
        if (fields == null) {
            return null;
        }
        for (Field field : fields) {
            String problem = field.problem(payload);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }
}
