package dev.switchboard.router.fuzz;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Valid messages of an exact size in UTF-8 bytes, padded with one-, two-, three- or four-byte
 * characters (the last characters multi-byte, so the limit can fall inside one).
 */
final class SizedFrames {
    /** Characters a validated text field may hold at most (the default policy allows 16,384). */
    private static final int MAX_FIELD_CHARS = 16_000;

    /** The padding character. */
    enum Filler {
        ONE_BYTE("a"), TWO_BYTES("é"), THREE_BYTES("€"), FOUR_BYTES("\uD83D\uDE00");

        final String text;
        final int bytes;

        Filler(String text) {
            this.text = text;
            this.bytes = text.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /** Where the padding goes. */
    enum Shape {
        /** A {@code ping} with an ignored top-level {@code pad} field: answered {@code pong}. */
        PING_WITH_PAD,
        /** A {@code validate_content} whose payload holds the padding in several fields: {@code validation_result}. */
        PAYLOAD_FIELDS,
        /** A JSON-RPC {@code ping} with an ignored {@code pad} member: a result of type {@code pong}. */
        JSON_RPC_PING
    }

    private SizedFrames() {
    }

    /** A frame of exactly {@code bytes} UTF-8 bytes. */
    static String ofSize(int bytes, Filler filler, Shape shape) {
        for (int pieces = 1; ; pieces++) {
            int need = bytes - utf8(build(bytes, shape, Collections.nCopies(pieces, "")));
            if (need < 0) {
                throw new IllegalArgumentException(bytes + " bytes is too small for " + shape);
            }
            List<String> chunks = chunks(fill(need, filler), shape == Shape.PAYLOAD_FIELDS
                    ? MAX_FIELD_CHARS / filler.text.length() : Integer.MAX_VALUE, filler);
            if (chunks.size() <= pieces) {
                while (chunks.size() < pieces) {
                    chunks.add("");
                }
                String frame = build(bytes, shape, chunks);
                if (utf8(frame) != bytes) {
                    throw new IllegalStateException("built " + utf8(frame) + " bytes instead of " + bytes);
                }
                return frame;
            }
        }
    }

    private static String build(int bytes, Shape shape, List<String> pads) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode message = json.objectNode();
        switch (shape) {
            case PING_WITH_PAD -> message.put("type", "ping").put("message_id", "size-" + bytes)
                    .put("pad", pads.get(0));
            case PAYLOAD_FIELDS -> {
                message.put("type", "validate_content").put("message_id", "size-" + bytes);
                ObjectNode payload = message.putObject("payload").put("content", "Is this the right size?");
                for (int i = 0; i < pads.size(); i++) {
                    payload.put("p" + i, pads.get(i));
                }
            }
            case JSON_RPC_PING -> message.put("jsonrpc", "2.0").put("id", bytes).put("method", "ping")
                    .put("pad", pads.get(0));
            default -> throw new IllegalArgumentException("no shape " + shape);
        }
        return message.toString();
    }

    /** ASCII first, then the filler: the frame ends in multi-byte characters. */
    private static String fill(int bytes, Filler filler) {
        return "a".repeat(bytes % filler.bytes) + filler.text.repeat(bytes / filler.bytes);
    }

    /** Cuts {@code text} into pieces of at most {@code units} fillers, never inside a surrogate pair. */
    private static List<String> chunks(String text, int units, Filler filler) {
        List<String> chunks = new ArrayList<>();
        int step = units == Integer.MAX_VALUE ? Integer.MAX_VALUE : units * filler.text.length();
        for (int start = 0; start < text.length(); ) {
            int end = (int) Math.min(text.length(), (long) start + step);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            chunks.add(text.substring(start, end));
            start = end;
        }
        return chunks;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
