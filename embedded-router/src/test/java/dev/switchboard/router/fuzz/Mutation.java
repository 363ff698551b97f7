package dev.switchboard.router.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One structured change to a valid message. {@code target} picks where (which field, value,
 * string or position, modulo how many there are) and {@code variant} picks what (modulo the
 * kind's choices), so a failing mutation shrinks to a small, readable one.
 *
 * @param kind    what is done
 * @param target  where, as an index into the candidates
 * @param variant which of the kind's values
 */
record Mutation(Kind kind, int target, int variant) {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The changes: on the parsed message (tree) or on its text. */
    enum Kind {
        DROP_FIELD, RETYPE_VALUE, CONTROL_CHARACTER, UNICODE, LONG_STRING, MARKUP, BAD_TYPE, BAD_ID, JSON_RPC_SHAPE,
        MANY_FIELDS, BATCH_SHAPE,
        DUPLICATE_KEY, TRAILING_GARBAGE, LEADING_GARBAGE, TRUNCATE, RAW_CONTROL_CHARACTER, CHARACTER_FLIP,
        DEEP_NESTING, NUMBER_LITERAL, ESCAPE_SEQUENCE;

        boolean onText() {
            return ordinal() >= DUPLICATE_KEY.ordinal();
        }
    }

    /** Values a field may be given instead of its own. */
    private static final List<JsonNode> ODD_VALUES = List.of(JSON.nullNode(), JSON.booleanNode(true),
            JSON.booleanNode(false), JSON.numberNode(0), JSON.numberNode(-1), JSON.numberNode(1.5),
            JSON.numberNode(Long.MAX_VALUE), JSON.numberNode(BigInteger.TEN.pow(300)),
            JSON.numberNode(new BigDecimal("1e308")), JSON.textNode(""), JSON.textNode(" "), JSON.textNode("x"),
            JSON.arrayNode(), JSON.arrayNode().add(1).add("a").addNull(), JSON.objectNode(),
            JSON.objectNode().set("a", JSON.objectNode()));
    private static final String CONTROL = "\u0000\u0001\u0007\u0008\u000b\u000c\u000e\u001b\u001f\u007f";
    private static final List<String> ODD_UNICODE = List.of("\uD800", "\uDBFF", "\uDC00", "\uDFFF",
            "\uDE00\uD83D", "\uDBFF\uDFFF", "\uFEFF", "\uFFFF", "\uFFFE", "\u202E", "\u200B", "\u2028", "\u2029",
            "\u0085", "\u00A0", "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301", "\uFDD0", "\u0000");
    private static final int[] LONG_LENGTHS = {127, 128, 129, 16_383, 16_384, 16_385, 32_000, 32_001, 65_536};
    private static final String[] LONG_FILLERS = {"x", "é", "€", "\uD83D\uDE00", " ", "A"};
    private static final List<String> MARKUP = List.of("<script>alert(1)</script>", "< / IFRAME >", "javascript :x",
            "JavaScript:void(0)", "onload =x", "<img src=x onerror=1>", "<svg/onload=1>", "<style>", "<meta http>",
            "a < b", "x=1", "on=1", "http://example.invalid");
    private static final List<String> BAD_TYPES = List.of("", "Ping", "PING", "1ping", "ping ", " ping", "pïng",
            "a".repeat(64), "a".repeat(65), "no_such_type", "x:y.z-w", "batch", "ping\u0000", "-", "_", "a b",
            "user_message\n", "typing", "stop_agent", "ping/", "\uD800");
    private static final List<JsonNode> BAD_IDS = List.of(JSON.textNode(""), JSON.textNode("a".repeat(128)),
            JSON.textNode("a".repeat(129)), JSON.numberNode(12), JSON.nullNode(), JSON.booleanNode(true),
            JSON.objectNode().put("a", 1), JSON.arrayNode().add("x"), JSON.textNode("id\u0000"),
            JSON.textNode("id\u001f"), JSON.textNode("\uD800"), JSON.textNode(" "), JSON.textNode("é".repeat(128)));
    private static final List<String> ID_FIELDS = List.of("message_id", "thread_id", "run_id");
    private static final List<String> GARBAGE = List.of(" ", "\n", "x", "}", "]", "{}", ",", "{\"type\":\"ping\"}",
            "\u0000", "//c", "/* c */", "\uFEFF", "\"", "[", "null", "\uD800");
    private static final List<String> NUMBERS = List.of("9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "1e308", "1.7976931348623157e309", "-0", "-0.0", "4.9e-324", "1e-400",
            "0.1e99999", "1" + "0".repeat(999), "1" + "0".repeat(1000), "1e1000000000", "NaN", "Infinity",
            "-Infinity", "01", "+1", ".5", "1.", "0x10", "1_000", "--1", "1e", "2147483648", "-2147483649");
    private static final List<String> ESCAPES = List.of("\\ud800", "\\udc00", "\\udbff\\udfff", "\\u0000",
            "\\u001f", "\\u007f", "\\x41", "\\u12", "\\u", "\\", "\\/", "\\b\\f", "\\uD83D\\uDE00", "\\ufeff");
    private static final String FLIP_CHARACTERS = "{}[]\":,\\ a0-";
    private static final int[] DEPTHS = {1, 2, 29, 30, 31, 32, 33, 64, 1_000, 5_000};
    private static final int[] FIELD_COUNTS = {250, 255, 256, 257, 300};
    private static final int[] BATCH_SIZES = {0, 1, 49, 50, 51};

    static Arbitrary<Mutation> any() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1_000),
                Arbitraries.integers().between(0, 1_000)).as(Mutation::new);
    }

    /** Applies {@code mutations} to a copy of {@code message}: tree changes first, then text changes. */
    static String apply(ObjectNode message, List<Mutation> mutations) {
        ObjectNode copy = message.deepCopy();
        for (Mutation mutation : mutations) {
            if (!mutation.kind().onText()) {
                copy = mutation.applyToTree(copy);
            }
        }
        String text = copy.toString();
        for (Mutation mutation : mutations) {
            if (mutation.kind().onText()) {
                text = mutation.applyToText(text);
            }
        }
        return text;
    }

    private ObjectNode applyToTree(ObjectNode root) {
        switch (kind) {
            case DROP_FIELD -> {
                List<Slot> fields = slots(root, false);
                if (!fields.isEmpty()) {
                    fields.get(target % fields.size()).remove();
                }
            }
            case RETYPE_VALUE -> pick(slots(root, true), slot -> slot.set(pick(ODD_VALUES).deepCopy()));
            case CONTROL_CHARACTER -> pick(strings(root), slot -> slot.set(JSON.textNode(
                    insert(slot.value().asText(), String.valueOf(CONTROL.charAt(variant % CONTROL.length()))))));
            case UNICODE -> pick(strings(root), slot -> slot.set(JSON.textNode(
                    insert(slot.value().asText(), pick(ODD_UNICODE)))));
            case LONG_STRING -> pick(strings(root), slot -> slot.set(JSON.textNode(longText(
                    LONG_LENGTHS[variant % LONG_LENGTHS.length], LONG_FILLERS[target % LONG_FILLERS.length]))));
            case MARKUP -> pick(strings(root), slot -> slot.set(JSON.textNode(
                    insert(slot.value().asText(), pick(MARKUP)))));
            case BAD_TYPE -> root.put(root.has("jsonrpc") ? "method" : "type", pick(BAD_TYPES));
            case BAD_ID -> idHolder(root).set(ID_FIELDS.get(target % ID_FIELDS.size()), pick(BAD_IDS).deepCopy());
            case JSON_RPC_SHAPE -> jsonRpcShape(root);
            case MANY_FIELDS -> {
                ObjectNode payload = payload(root);
                for (int i = 0; i < FIELD_COUNTS[variant % FIELD_COUNTS.length]; i++) {
                    payload.put("f" + i, i);
                }
            }
            case BATCH_SHAPE -> {
                return batchOf(root);
            }
            default -> throw new IllegalStateException(kind + " changes text");
        }
        return root;
    }

    private void jsonRpcShape(ObjectNode root) {
        switch (variant % 12) {
            case 0 -> root.put("jsonrpc", "1.0");
            case 1 -> root.put("jsonrpc", 2.0);
            case 2 -> root.putNull("jsonrpc");
            case 3 -> root.put("jsonrpc", "2.0 ");
            case 4 -> root.put("id", 1.5);
            case 5 -> root.put("id", true);
            case 6 -> root.set("id", JSON.objectNode());
            case 7 -> root.set("params", JSON.arrayNode().add(1));
            case 8 -> root.put("params", "x");
            case 9 -> root.remove("method");
            case 10 -> root.put("jsonrpc", "2.0").put("method", root.path("type").asText("ping"));
            default -> root.put("jsonrpc", "2.0").put("id", target);
        }
    }

    /** The message in a batch of several copies, or a batch holding a batch. */
    private ObjectNode batchOf(ObjectNode root) {
        ObjectNode batch = JSON.objectNode().put("type", "batch").put("message_id", "batch-" + target);
        ArrayNode messages = batch.putObject("payload").putArray("messages");
        if (target % 3 == 0) {
            ObjectNode inner = JSON.objectNode().put("type", "batch").put("message_id", "inner");
            inner.putObject("payload").putArray("messages").add(root);
            messages.add(inner);
            return batch;
        }
        int size = BATCH_SIZES[variant % BATCH_SIZES.length];
        for (int i = 0; i < size; i++) {
            messages.add(root.deepCopy());
        }
        return batch;
    }

    private String applyToText(String text) {
        int at = text.isEmpty() ? 0 : target % (text.length() + 1);
        return switch (kind) {
            case DUPLICATE_KEY -> asFirstMember(text, List.of("\"type\":\"ping\"", "\"message_id\":\"dup\"",
                    "\"payload\":{}", "\"payload\":null", "\"type\":\"batch\"", "\"jsonrpc\":\"2.0\"",
                    "\"id\":7").get(variant % 7));
            case TRAILING_GARBAGE -> text + pick(GARBAGE);
            case LEADING_GARBAGE -> pick(GARBAGE) + text;
            case TRUNCATE -> text.substring(0, at);
            case RAW_CONTROL_CHARACTER -> text.substring(0, at) + CONTROL.charAt(variant % CONTROL.length())
                    + text.substring(at);
            case CHARACTER_FLIP -> text.isEmpty() ? text : text.substring(0, Math.min(at, text.length() - 1))
                    + FLIP_CHARACTERS.charAt(variant % FLIP_CHARACTERS.length())
                    + text.substring(Math.min(at, text.length() - 1) + 1);
            case DEEP_NESTING -> asFirstMember(text, "\"deep\":" + nested(DEPTHS[variant % DEPTHS.length]));
            case NUMBER_LITERAL -> asFirstMember(text, "\"n\":" + pick(NUMBERS));
            case ESCAPE_SEQUENCE -> {
                int quote = text.indexOf("\":\"");
                yield quote < 0 ? text : text.substring(0, quote + 3) + pick(ESCAPES) + text.substring(quote + 3);
            }
            default -> throw new IllegalStateException(kind + " changes the tree");
        };
    }

    /** Inserts {@code member} as the first member of the object opened by the {@code target}-th brace. */
    private String asFirstMember(String text, String member) {
        List<Integer> braces = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '{') {
                braces.add(i);
            }
        }
        if (braces.isEmpty()) {
            return text;
        }
        int brace = braces.get(target % braces.size());
        boolean empty = brace + 1 < text.length() && text.charAt(brace + 1) == '}';
        return text.substring(0, brace + 1) + member + (empty ? "" : ",") + text.substring(brace + 1);
    }

    private String nested(int depth) {
        boolean arrays = target % 2 == 0;
        StringBuilder text = new StringBuilder(depth * 8);
        for (int i = 0; i < depth; i++) {
            text.append(arrays ? "[" : "{\"a\":");
        }
        text.append("1");
        for (int i = 0; i < depth; i++) {
            text.append(arrays ? "]" : "}");
        }
        return text.toString();
    }

    private String insert(String into, String piece) {
        int at = target % (into.length() + 1);
        return into.substring(0, at) + piece + into.substring(at);
    }

    private static String longText(int length, String filler) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() + filler.length() <= length) {
            text.append(filler);
        }
        while (text.length() < length) {
            text.append('x');
        }
        return text.toString();
    }

    private <T> T pick(List<T> choices) {
        return choices.get(variant % choices.size());
    }

    private void pick(List<Slot> slots, Consumer<Slot> change) {
        if (!slots.isEmpty()) {
            change.accept(slots.get(target % slots.size()));
        }
    }

    private static ObjectNode payload(ObjectNode root) {
        String field = root.has("jsonrpc") ? "params" : "payload";
        if (!(root.get(field) instanceof ObjectNode)) {
            root.putObject(field);
        }
        return (ObjectNode) root.get(field);
    }

    private static ObjectNode idHolder(ObjectNode root) {
        return root.has("jsonrpc") ? payload(root) : root;
    }

    /** A place in the tree holding a value: an object field or an array element. */
    private record Slot(JsonNode parent, String field, int index) {
        JsonNode value() {
            return field != null ? parent.get(field) : parent.get(index);
        }

        void set(JsonNode value) {
            if (field != null) {
                ((ObjectNode) parent).set(field, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (field != null) {
                ((ObjectNode) parent).remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    /** Every value slot under {@code node}, depth first; object fields only unless {@code withElements}. */
    private static List<Slot> slots(JsonNode node, boolean withElements) {
        List<Slot> slots = new ArrayList<>();
        collect(node, withElements, slots);
        return slots;
    }

    private static List<Slot> strings(JsonNode node) {
        List<Slot> strings = new ArrayList<>();
        for (Slot slot : slots(node, true)) {
            if (slot.value() instanceof TextNode) {
                strings.add(slot);
            }
        }
        return strings;
    }

    private static void collect(JsonNode node, boolean withElements, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                slots.add(new Slot(object, field.getKey(), -1));
                collect(field.getValue(), withElements, slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (withElements) {
                    slots.add(new Slot(array, null, i));
                }
                collect(array.get(i), withElements, slots);
            }
        }
    }
}
