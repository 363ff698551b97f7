package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * The codec's fast path: reads a plain frame with Jackson's streaming parser, keeps the envelope
 * ({@code type}, {@code message_id}, {@code thread_id}, {@code run_id}) and, for the payload, only
 * where it lies in the frame and a {@link ClientMessage.PayloadScan} of what validation needs; the
 * payload tree is built when a handler asks for it.
 *
 * <p>It answers only for frames that decode into a message with no doubt; anything else (bad JSON,
 * a limit hit, a bad or duplicated envelope field, JSON-RPC, a batch, an unpaired surrogate) gets
 * null, and the tree decode gives its exact verdict. The verdicts of both paths are the same: the
 * codec's tests decode every frame both ways.
 */
final class EnvelopeReader {
    private static final Supplier<ObjectNode> EMPTY = JsonNodeFactory.instance::objectNode;

    private final ObjectMapper mapper;
    private final StreamReadConstraints limits;

    EnvelopeReader(ObjectMapper mapper, StreamReadConstraints limits) {
        this.mapper = mapper;
        this.limits = limits;
    }

    /** The plain message {@code frame} holds, or null when the tree decode must judge it. */
    ClientMessage read(String frame) {
        try (JsonParser parser = mapper.createParser(frame)) {
            return read(frame, parser);
        } catch (IOException e) {
            // bad JSON or a limit: the tree decode says which, in the same words as ever
            return null;
        }
    }

    private ClientMessage read(String frame, JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String type = null;
        String messageId = null;
        String threadId = null;
        String runId = null;
        boolean threadSeen = false;
        boolean runSeen = false;
        boolean payloadSeen = false;
        int payloadStart = -1;
        int payloadEnd = -1;
        ClientMessage.PayloadScan scan = ClientMessage.PayloadScan.EMPTY;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            if (token != JsonToken.FIELD_NAME) {
                return null;
            }
            String name = parser.currentName();
            if (!isPlainName(name)) {
                return null;
            }
            JsonToken value = parser.nextToken();
            switch (name) {
                case "type":
                    if (type != null || value != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    type = parser.getText();
                    if (!JsonCodec.isTypeShaped(type)) {
                        return null;
                    }
                    break;
                case "message_id":
                    if (messageId != null || (messageId = id(parser, value)) == null) {
                        return null;
                    }
                    break;
                case "thread_id":
                    if (threadSeen || value != JsonToken.VALUE_NULL && (threadId = id(parser, value)) == null) {
                        return null;
                    }
                    threadSeen = true;
                    break;
                case "run_id":
                    if (runSeen || value != JsonToken.VALUE_NULL && (runId = id(parser, value)) == null) {
                        return null;
                    }
                    runSeen = true;
                    break;
                case "payload":
                    if (payloadSeen || value != JsonToken.VALUE_NULL && value != JsonToken.START_OBJECT) {
                        return null;
                    }
                    payloadSeen = true;
                    if (value == JsonToken.START_OBJECT) {
                        payloadStart = (int) parser.currentTokenLocation().getCharOffset();
                        scan = scanPayload(parser);
                        if (scan == null) {
                            return null;
                        }
                        payloadEnd = (int) parser.currentTokenLocation().getCharOffset() + 1;
                    }
                    break;
                case "jsonrpc":
                    return null;
                default:
                    if (!skipValue(parser, value)) {
                        return null;
                    }
            }
        }
        if (type == null || parser.nextToken() != null) {
            return null;
        }
        return new ClientMessage(type, messageId, threadId, runId, payload(frame, payloadStart, payloadEnd), scan);
    }

    /** The payload tree, built on demand from its place in the frame. */
    private Supplier<ObjectNode> payload(String frame, int start, int end) {
        if (start < 0) {
            return EMPTY;
        }
        return () -> {
            try {
                return (ObjectNode) mapper.readTree(frame.substring(start, end));
            } catch (IOException e) {
                throw new UncheckedIOException("a payload that streamed cleanly did not parse", e);
            }
        };
    }

    /** A valid {@link WireId} string value, or null. */
    private static String id(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            return null;
        }
        String id = parser.getText();
        return WireId.isValid(id) ? id : null;
    }

    /**
     * Streams past the payload object (the parser on its {@code START_OBJECT}), leaving the parser
     * on its {@code END_OBJECT}; null when the tree decode must judge the frame.
     */
    private ClientMessage.PayloadScan scanPayload(JsonParser parser) throws IOException {
        int depth = 1;
        int fields = 0;
        int longest = 0;
        int flags = 0;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                // a batch's elements may carry JSON-RPC ids the tree decode keeps as written
                if (depth == 1 && name.equals("messages") || !isPlainName(name)) {
                    return null;
                }
                fields++;
            } else if (token == JsonToken.VALUE_STRING) {
                int length = parser.getTextLength();
                int found = scanText(parser.getTextCharacters(), parser.getTextOffset(), length);
                if (found < 0 || length > limits.getMaxStringLength()) {
                    return null;
                }
                flags |= found;
                longest = Math.max(longest, length);
            } else if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            } else if (token == null) {
                return null;
            }
        }
        return new ClientMessage.PayloadScan(fields, longest, (flags & CONTROL) != 0, (flags & MARKUP) != 0);
    }

    /** Streams past a value of a field the router does not read, checking its strings. */
    private boolean skipValue(JsonParser parser, JsonToken value) throws IOException {
        int depth = 0;
        JsonToken token = value;
        do {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            } else if (token == JsonToken.FIELD_NAME) {
                if (!isPlainName(parser.currentName())) {
                    return false;
                }
            } else if (token == JsonToken.VALUE_STRING) {
                int length = parser.getTextLength();
                if (length > limits.getMaxStringLength()
                        || scanText(parser.getTextCharacters(), parser.getTextOffset(), length) < 0) {
                    return false;
                }
            } else if (token == null) {
                return false;
            }
            if (depth > 0) {
                token = parser.nextToken();
            }
        } while (depth > 0);
        return true;
    }

    private boolean isPlainName(String name) {
        return name.length() <= limits.getMaxNameLength() && !JsonCodec.hasLoneSurrogate(name);
    }

    private static final int CONTROL = 1;
    private static final int MARKUP = 2;
    /** For each 7-bit char, the {@link #CONTROL} or {@link #MARKUP} flag it raises, or 0. */
    private static final byte[] FLAGS = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            FLAGS[c] = c == '\t' || c == '\n' || c == '\r' ? 0 : (byte) CONTROL;
        }
        FLAGS[0x7f] = CONTROL;
        FLAGS['<'] = MARKUP;
        FLAGS[':'] = MARKUP;
        FLAGS['='] = MARKUP;
    }

    /**
     * One pass over a string: {@link #CONTROL} and {@link #MARKUP} flags for the
     * {@link ClientMessage.PayloadScan}, or -1 for an unpaired surrogate.
     */
    private static int scanText(char[] text, int offset, int length) {
        int flags = 0;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = text[i];
            if (c < 128) {
                flags |= FLAGS[c];
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text[i + 1])) {
                    i++;
                } else {
                    return -1;
                }
            }
        }
        return flags;
    }
}
