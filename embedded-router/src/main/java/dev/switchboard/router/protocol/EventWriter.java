package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * Writes a {@link ServerEvent} as one JSON object, {@code type} first: strings, whole numbers and
 * booleans directly, with Jackson's escaping, and so a JSON tree of only those (a run event's data
 * as its backend sent it); any other value (maps, lists, records, decimals) through a Jackson
 * generator made only when an event holds one. Every reply and run event
 * takes this path, and most hold only simple values (a {@code pong}, an {@code ack}, an
 * {@code error}). The text is exactly what the mapper writes: the codec's tests compare both.
 */
final class EventWriter {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** For each 7-bit char, its short escape, 'u' for a {@code \\u00XX} one, or 0 when written as it is. */
    private static final char[] ESCAPES = new char[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
    }

    private final ObjectMapper mapper;

    EventWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Writes {@code event}, with {@code reply_to} set to {@code replyTo} (replacing the event's own) unless null. */
    void write(ServerEvent event, String replyTo, Writer out) throws IOException {
        JsonGenerator generator = null;
        try {
            out.write("{\"type\":");
            writeString(event.type(), out);
            if (event.fields() instanceof FieldMap fields) {
                for (int i = 0; i < fields.size(); i++) {
                    generator = writeField(fields.key(i), fields.value(i), replyTo, out, generator);
                }
            } else {
                for (Map.Entry<String, Object> field : event.fields().entrySet()) {
                    generator = writeField(field.getKey(), field.getValue(), replyTo, out, generator);
                }
            }
            if (replyTo != null) {
                out.write(",\"reply_to\":");
                writeString(replyTo, out);
            }
            out.write('}');
        } finally {
            if (generator != null) {
                generator.close();
            }
        }
    }

    /** Writes one field unless it is the {@code reply_to} being replaced; returns the generator, made if needed. */
    private JsonGenerator writeField(String key, Object value, String replyTo, Writer out, JsonGenerator generator)
            throws IOException {
        if (replyTo != null && key.equals("reply_to")) {
            return generator;
        }
        out.write(',');
        writeString(key, out);
        out.write(':');
        if (writeSimple(value, out)) {
            return generator;
        }
        JsonGenerator made = generator;
        if (made == null) {
            made = mapper.createGenerator(out);
            // each value is a root value of its own here: no separator between them
            made.setRootValueSeparator(null);
        }
        made.writeObject(value);
        made.flush();
        return made;
    }

    private static boolean writeSimple(Object value, Writer out) throws IOException {
        if (value instanceof String text) {
            writeString(text, out);
        } else if (value instanceof Integer || value instanceof Long) {
            out.write(value.toString());
        } else if (value instanceof Boolean flag) {
            out.write(flag ? "true" : "false");
        } else if (value instanceof JsonNode tree && plainTree(tree, 0)) {
            writeTree(tree, out);
        } else {
            return false;
        }
        return true;
    }

    /** Nesting a tree written here may have; deeper ones go through the generator. */
    private static final int MAX_DEPTH = 32;

    /**
     * Whether {@code node} holds only objects, arrays, strings, whole numbers, booleans and nulls
     * (an agent's event data as parsed from its stream, nearly always), which {@link #writeTree}
     * writes exactly as the mapper does; a decimal or a binary value somewhere goes through the
     * generator instead.
     */
    private static boolean plainTree(JsonNode node, int depth) {
        switch (node.getNodeType()) {
            case OBJECT, ARRAY -> {
                if (depth >= MAX_DEPTH) {
                    return false;
                }
                for (JsonNode child : node) {
                    if (!plainTree(child, depth + 1)) {
                        return false;
                    }
                }
                return true;
            }
            case STRING, BOOLEAN, NULL -> {
                return true;
            }
            case NUMBER -> {
                return node.isInt() || node.isLong();
            }
            default -> {
                return false;
            }
        }
    }

    /** Writes a {@link #plainTree} as the mapper would, without a generator (no allocation but the text's). */
    private static void writeTree(JsonNode node, Writer out) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.write('{');
                boolean first = true;
                for (java.util.Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    writeString(field.getKey(), out);
                    out.write(':');
                    writeTree(field.getValue(), out);
                }
                out.write('}');
            }
            case ARRAY -> {
                out.write('[');
                boolean first = true;
                for (JsonNode element : node) {
                    if (!first) {
                        out.write(',');
                    }
                    first = false;
                    writeTree(element, out);
                }
                out.write(']');
            }
            case STRING -> writeString(node.textValue(), out);
            case BOOLEAN -> out.write(node.booleanValue() ? "true" : "false");
            case NULL -> out.write("null");
            default -> out.write(node.isInt() ? Integer.toString(node.intValue()) : Long.toString(node.longValue()));
        }
    }

    /**
     * A JSON string as Jackson writes it by default: {@code "} and {@code \\} escaped, control
     * characters as short escapes or upper-case {@code \\u00XX}, everything else (DEL, non-ASCII,
     * {@code /}) as it is.
     */
    static void writeString(String text, Writer out) throws IOException {
        out.write('"');
        int length = text.length();
        int plain = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 128 || ESCAPES[c] == 0) {
                continue;
            }
            if (i > plain) {
                out.write(text, plain, i - plain);
            }
            char escape = ESCAPES[c];
            out.write('\\');
            if (escape == 'u') {
                out.write("u00");
                out.write(HEX[c >> 4]);
                out.write(HEX[c & 0xF]);
            } else {
                out.write(escape);
            }
            plain = i + 1;
        }
        if (length > plain) {
            out.write(text, plain, length - plain);
        }
        out.write('"');
    }
}
