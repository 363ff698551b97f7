package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * The codec's fast path: reads a plain frame in one pass over its characters, keeps the envelope
 * ({@code type}, {@code message_id}, {@code thread_id}, {@code run_id}) and, for the payload, only
 * where it lies in the frame and a {@link ClientMessage.PayloadScan} of what validation needs; the
 * payload tree is built (by Jackson) when a handler asks for it.
 *
 * <p>It reads strict JSON only (RFC 8259, as Jackson reads it with no feature enabled) and judges
 * only frames that decode into a message with no doubt. Anything else — bad JSON, a number longer
 * than 100 characters, nesting near the depth limit, an escape in a name or in an envelope value,
 * a bad or duplicated envelope field, JSON-RPC, a batch, an unpaired surrogate — gets null, and the
 * tree decode (Jackson) gives its exact verdict. The verdicts of both paths are the same: the
 * codec's tests decode every frame both ways, mutated frames included.
 */
final class EnvelopeReader {
    private static final Supplier<ObjectNode> EMPTY = JsonNodeFactory.instance::objectNode;
    /** Longer numbers are left to Jackson, which enforces its own limit on them. */
    private static final int LONGEST_NUMBER = 100;
    private static final int CONTROL = 1;
    private static final int MARKUP = 2;
    /** For each 7-bit char, the {@link #CONTROL} or {@link #MARKUP} flag it raises, or 0. */
    private static final byte[] FLAGS = new byte[128];

    /** A raw char a string cannot simply go on with: its end, an escape, or a control char Jackson refuses. */
    private static final int SPECIAL = 4;
    /** For each 7-bit char met raw in a string: its flags, or {@link #SPECIAL}. */
    private static final byte[] CHARS = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            FLAGS[c] = c == '\t' || c == '\n' || c == '\r' ? 0 : (byte) CONTROL;
        }
        FLAGS[0x7f] = CONTROL;
        FLAGS['<'] = MARKUP;
        FLAGS[':'] = MARKUP;
        FLAGS['='] = MARKUP;
        for (int c = 0; c < 128; c++) {
            CHARS[c] = c < 0x20 || c == '"' || c == '\\' ? SPECIAL : FLAGS[c];
        }
    }

    private final ObjectMapper mapper;
    private final int maxDepth;
    private final int maxNameLength;
    private final int maxStringLength;

    EnvelopeReader(ObjectMapper mapper, StreamReadConstraints limits) {
        this.mapper = mapper;
        // one short of Jackson's limit: a frame at the limit is Jackson's to judge
        this.maxDepth = limits.getMaxNestingDepth() - 1;
        this.maxNameLength = limits.getMaxNameLength();
        this.maxStringLength = limits.getMaxStringLength();
    }

    /** The plain message {@code frame} holds, or null when the tree decode must judge it. */
    ClientMessage read(String frame) {
        return new Cursor(frame).message();
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
                throw new UncheckedIOException("a payload the fast decode read did not parse", e);
            }
        };
    }

    /** One frame's reading: a position in it, and what the payload's strings showed so far. */
    private final class Cursor {
        private final String text;
        private final int end;
        private int pos;
        /** Where the last string read with {@link #string} closed (its closing quote). */
        private int closedAt;
        /** Where the character {@link #unit} read ends. */
        private int next;
        private boolean escaped;
        private int fields;
        private int longest;
        private int flags;

        Cursor(String text) {
            this.text = text;
            this.end = text.length();
        }

        private char peek() {
            return pos < end ? text.charAt(pos) : 0;
        }

        private void skipSpace() {
            while (pos < end) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        ClientMessage message() {
            skipSpace();
            if (peek() != '{') {
                return null;
            }
            pos++;
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
            skipSpace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    int nameStart = pos + 1;
                    if (!name()) {
                        return null;
                    }
                    int nameLength = closedAt - nameStart;
                    skipSpace();
                    if (peek() != ':') {
                        return null;
                    }
                    pos++;
                    skipSpace();
                    if (is("type", nameStart, nameLength)) {
                        if (type != null || (type = plainString()) == null || !JsonCodec.isTypeShaped(type)) {
                            return null;
                        }
                    } else if (is("message_id", nameStart, nameLength)) {
                        if (messageId != null || (messageId = id()) == null) {
                            return null;
                        }
                    } else if (is("thread_id", nameStart, nameLength)) {
                        if (threadSeen || !literal("null") && (threadId = id()) == null) {
                            return null;
                        }
                        threadSeen = true;
                    } else if (is("run_id", nameStart, nameLength)) {
                        if (runSeen || !literal("null") && (runId = id()) == null) {
                            return null;
                        }
                        runSeen = true;
                    } else if (is("payload", nameStart, nameLength)) {
                        if (payloadSeen) {
                            return null;
                        }
                        payloadSeen = true;
                        if (!literal("null")) {
                            if (peek() != '{') {
                                return null;
                            }
                            payloadStart = pos;
                            if (!object(2, true, true)) {
                                return null;
                            }
                            payloadEnd = pos;
                            scan = new ClientMessage.PayloadScan(fields, longest, (flags & CONTROL) != 0,
                                    (flags & MARKUP) != 0);
                        }
                    } else if (is("jsonrpc", nameStart, nameLength) || !value(2, false, false)) {
                        return null;
                    }
                    skipSpace();
                    char next = peek();
                    pos++;
                    if (next == '}') {
                        break;
                    }
                    if (next != ',') {
                        return null;
                    }
                    skipSpace();
                }
            }
            skipSpace();
            if (type == null || pos != end) {
                return null;
            }
            return new ClientMessage(type, messageId, threadId, runId, payload(text, payloadStart, payloadEnd), scan);
        }

        private boolean is(String name, int start, int length) {
            return length == name.length() && text.startsWith(name, start);
        }

        /** Reads {@code word} (a literal) if it is next. */
        private boolean literal(String word) {
            if (text.startsWith(word, pos)) {
                pos += word.length();
                return true;
            }
            return false;
        }

        /** A string value with no escape, or null. */
        private String plainString() {
            int start = pos + 1;
            if (peek() != '"' || string(false) < 0 || escaped) {
                return null;
            }
            return text.substring(start, closedAt);
        }

        /** A {@link WireId} string value, or null. */
        private String id() {
            String id = plainString();
            return id != null && WireId.isValid(id) ? id : null;
        }

        /** A field name with no escape, within the name limit and with no unpaired surrogate. */
        private boolean name() {
            if (peek() != '"') {
                return false;
            }
            int length = string(false);
            return length >= 0 && !escaped && length <= maxNameLength;
        }

        /**
         * Any JSON value, {@code depth} being the containers it would make open. In the payload
         * ({@code inPayload}) names are counted and strings scanned for the {@link ClientMessage.PayloadScan};
         * {@code payloadTop}: the value is the payload object itself.
         */
        private boolean value(int depth, boolean inPayload, boolean payloadTop) {
            char c = peek();
            switch (c) {
                case '{':
                    return object(depth, inPayload, payloadTop);
                case '[':
                    return array(depth, inPayload);
                case '"':
                    int length = string(inPayload);
                    if (length < 0) {
                        return false;
                    }
                    if (inPayload) {
                        longest = Math.max(longest, length);
                    }
                    return true;
                case 't':
                    return literal("true");
                case 'f':
                    return literal("false");
                case 'n':
                    return literal("null");
                default:
                    return number();
            }
        }

        /** An object at {@code depth}; {@code payloadTop}: the payload object itself (no batch). */
        private boolean object(int depth, boolean inPayload, boolean payloadTop) {
            if (depth >= maxDepth) {
                return false;
            }
            pos++;
            skipSpace();
            if (peek() == '}') {
                pos++;
                return true;
            }
            while (true) {
                int nameStart = pos + 1;
                if (!name()) {
                    return false;
                }
                if (inPayload) {
                    // a batch's elements may carry JSON-RPC ids the tree decode keeps as written
                    if (payloadTop && is("messages", nameStart, closedAt - nameStart)) {
                        return false;
                    }
                    fields++;
                }
                skipSpace();
                if (peek() != ':') {
                    return false;
                }
                pos++;
                skipSpace();
                if (!value(depth + 1, inPayload, false)) {
                    return false;
                }
                skipSpace();
                char next = peek();
                pos++;
                if (next == '}') {
                    return true;
                }
                if (next != ',') {
                    return false;
                }
                skipSpace();
            }
        }

        private boolean array(int depth, boolean inPayload) {
            if (depth >= maxDepth) {
                return false;
            }
            pos++;
            skipSpace();
            if (peek() == ']') {
                pos++;
                return true;
            }
            while (true) {
                if (!value(depth + 1, inPayload, false)) {
                    return false;
                }
                skipSpace();
                char next = peek();
                pos++;
                if (next == ']') {
                    return true;
                }
                if (next != ',') {
                    return false;
                }
                skipSpace();
            }
        }

        /** A number as JSON writes it: {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}. */
        private boolean number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            char c = peek();
            if (c == '0') {
                pos++;
            } else if (c >= '1' && c <= '9') {
                digits();
            } else {
                return false;
            }
            if (peek() == '.') {
                pos++;
                if (digits() == 0) {
                    return false;
                }
            }
            c = peek();
            if (c == 'e' || c == 'E') {
                pos++;
                c = peek();
                if (c == '+' || c == '-') {
                    pos++;
                }
                if (digits() == 0) {
                    return false;
                }
            }
            return pos - start <= LONGEST_NUMBER;
        }

        private int digits() {
            int start = pos;
            while (pos < end && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            return pos - start;
        }

        /**
         * A string (at its opening quote): its length once unescaped, or -1 when it is not a string
         * Jackson reads (a raw control character, a bad escape, no end) or holds an unpaired
         * surrogate. Sets {@link #closedAt} and {@link #escaped}; with {@code scan}, raises the
         * payload's {@link #flags}.
         */
        private int string(boolean scan) {
            int start = pos + 1;
            int at = start;
            int raised = 0;
            int extra = 0; // escapes' characters beyond the one each stands for
            escaped = false;
            while (true) {
                if (at >= end) {
                    return -1;
                }
                char c = text.charAt(at);
                if (c < 128) {
                    int kind = CHARS[c];
                    if (kind < SPECIAL) {
                        raised |= kind;
                        at++;
                        continue;
                    }
                    if (c == '"') {
                        break;
                    }
                }
                int unit = unit(at);
                if (unit < 0) {
                    return -1;
                }
                extra += next - at - 1;
                at = next;
                if (Character.isHighSurrogate((char) unit)) {
                    // its low half must follow, raw or escaped
                    int low = at < end ? unit(at) : -1;
                    if (low < 0 || !Character.isLowSurrogate((char) low)) {
                        return -1;
                    }
                    extra += next - at - 1;
                    at = next;
                } else if (Character.isLowSurrogate((char) unit)) {
                    return -1;
                } else if (unit < 128) {
                    raised |= FLAGS[unit];
                }
            }
            int length = at - start - extra;
            if (length > maxStringLength) {
                return -1;
            }
            escaped = extra > 0;
            if (scan) {
                flags |= raised;
            }
            closedAt = at;
            pos = at + 1;
            return length;
        }

        /**
         * The character at {@code at} of a string, raw or escaped, with {@link #next} set after it;
         * -1 for what Jackson refuses (a raw control character, a bad escape).
         */
        private int unit(int at) {
            char c = text.charAt(at);
            if (c != '\\') {
                next = at + 1;
                return c < 0x20 ? -1 : c;
            }
            next = at + 2;
            char escape = at + 1 < end ? text.charAt(at + 1) : 0;
            switch (escape) {
                case '"', '\\', '/':
                    return escape;
                case 'b':
                    return '\b';
                case 'f':
                    return '\f';
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 't':
                    return '\t';
                case 'u':
                    next = at + 6;
                    return next <= end ? hex(at + 2) : -1;
                default:
                    return -1;
            }
        }

        /** The four hex digits (ASCII only, as JSON has them) at {@code at} as a number, or -1. */
        private int hex(int at) {
            int code = 0;
            for (int i = at; i < at + 4; i++) {
                char c = text.charAt(i);
                int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (digit < 0) {
                    return -1;
                }
                code = code << 4 | digit;
            }
            return code;
        }
    }
}
