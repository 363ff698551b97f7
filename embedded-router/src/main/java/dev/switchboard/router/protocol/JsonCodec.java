package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one JSON codec of the wire protocol: client frames in, server events out, plain or JSON-RPC 2.0.
 * Thread-safe.
 */
public final class JsonCodec {
    /** JSON-RPC 2.0 "invalid request". */
    public static final int RPC_INVALID_REQUEST = -32600;

    private static final Pattern TYPE_SHAPE = Pattern.compile("[a-z][a-z0-9_.:-]{0,63}");
    private static final int MAX_DEPTH = 32;
    private static final int MAX_NUMBER_LENGTH = 1000;
    /** Where a JSON-RPC id sits in a frame: the frame's own, or a batch element's. */
    private static final Pattern RPC_ID_POINTER = Pattern.compile("/id|/(payload|params)/messages/[0-9]+/id");

    private final ObjectMapper mapper;
    private final StreamReadConstraints limits;
    private final EnvelopeReader envelopes;
    private final EventWriter events;

    public JsonCodec() {
        // the one mapper not derived from Json.mapper(): the client protocol writes ServerEvent
        // fields exactly as given (no naming strategy, no java.time module), and what a client may
        // send is limited on this mapper's own factory, not on the shared one. Field names are not
        // canonicalized: Jackson's name table outlives a frame, so its hash-flood guard judged a
        // frame by the names earlier frames (anyone's) left in it; the trees' maps bound collisions
        this.mapper = JsonMapper.builder(JsonFactory.builder()
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build()).build();
        this.limits = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER_LENGTH).build();
        mapper.getFactory().setStreamReadConstraints(limits);
        this.envelopes = new EnvelopeReader(mapper, limits);
        this.events = new EventWriter(mapper);
    }

    /** The shared mapper, for components that build payload nodes. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Decodes one text frame. Never throws for bad input: a bad frame becomes {@link Decoded.Rejected}.
     * The frame must be exactly one JSON value (whitespace around it is fine), and no string in it,
     * key or value, may hold an unpaired UTF-16 surrogate.
     *
     * <p>A plain frame is read with the streaming parser and its payload tree built only when a
     * handler asks for it ({@link EnvelopeReader}); anything that one refuses to judge (bad JSON,
     * JSON-RPC, a batch, a bad envelope) is decoded into a tree, which gives the verdict.
     */
    public Decoded decode(String frame) {
        ClientMessage message = envelopes.read(frame);
        return message != null ? new Decoded.Message(message) : decodeTree(frame);
    }

    /** {@link #decode(String)} through the whole tree, always: the verdict the fast path must match. */
    Decoded decodeTree(String frame) {
        JsonNode root;
        try (JsonParser parser = mapper.createParser(frame)) {
            try {
                root = mapper.readTree(parser);
            } catch (StreamConstraintsException e) {
                return reject(overLimit(e), null);
            } catch (JsonProcessingException e) {
                return new Decoded.Rejected(ErrorCode.INVALID_JSON, "frame is not valid JSON", null, null,
                        -32700, false);
            }
            if (root != null && hasTextAfterValue(parser)) {
                return new Decoded.Rejected(ErrorCode.INVALID_JSON,
                        "frame holds text after its JSON value (one JSON value per frame)", null, null, -32700, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a frame held in memory", e);
        }
        if (root != null && mayHoldLoneSurrogate(frame) && hasLoneSurrogate(root)) {
            return reject("string contains an unpaired UTF-16 surrogate", null);
        }
        if (root == null || !root.isObject()) {
            return reject("a message must be a JSON object", null);
        }
        if (hasNumericRpcId((ObjectNode) root)) {
            keepRawRpcIds(frame, (ObjectNode) root);
        }
        return decode(root);
    }

    /**
     * Decodes one element of a batch: the same rules as a frame, but from a node of a frame that
     * {@link #decode(String)} already checked (trailing text, surrogates, raw JSON-RPC ids).
     */
    public Decoded decode(JsonNode node) {
        if (node == null || !node.isObject()) {
            return reject("a message must be a JSON object", null);
        }
        return node.has("jsonrpc") ? decodeJsonRpc((ObjectNode) node) : decodePlain((ObjectNode) node);
    }

    /** Whether anything but whitespace follows the value the parser has just read. */
    private static boolean hasTextAfterValue(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (IOException e) {
            return true;
        }
    }

    /** The refusal text for a Jackson read limit: the one that was hit, never the frame's content. */
    private String overLimit(StreamConstraintsException e) {
        String what = String.valueOf(e.getOriginalMessage());
        if (what.startsWith("Number value length")) {
            return "a number is longer than " + limits.getMaxNumberLength() + " digits";
        }
        if (what.startsWith("String value length")) {
            return "a string is longer than " + limits.getMaxStringLength() + " characters";
        }
        if (what.startsWith("Name length")) {
            return "a field name is longer than " + limits.getMaxNameLength() + " characters";
        }
        if (what.startsWith("Document nesting depth")) {
            return "message nested deeper than " + MAX_DEPTH + " levels";
        }
        return "the frame exceeds a JSON size limit";
    }

    /**
     * A lone surrogate in a parsed string comes from a {@code \\u} escape or from the frame's own
     * characters: without a backslash or a surrogate in the frame the walk can be skipped.
     */
    private static boolean mayHoldLoneSurrogate(String frame) {
        for (int i = 0; i < frame.length(); i++) {
            char c = frame.charAt(i);
            if (c == '\\' || Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLoneSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return hasLoneSurrogate(node.textValue());
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (hasLoneSurrogate(field.getKey()) || hasLoneSurrogate(field.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (hasLoneSurrogate(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A numeric node that writes {@code text} back unchanged; a plain raw value past BigDecimal's exponents. */
    private static JsonNode rawNumber(String text) {
        try {
            return new RawNumberNode(text);
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.rawValueNode(new RawValue(text));
        }
    }

    /** Whether the frame or one of its batch elements has a numeric JSON-RPC id. */
    private static boolean hasNumericRpcId(ObjectNode root) {
        if (root.path("id").isNumber()) {
            return true;
        }
        for (String container : new String[] {"payload", "params"}) {
            for (JsonNode element : root.path(container).path("messages")) {
                if (element.path("id").isNumber()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Replaces each numeric JSON-RPC id in {@code root} by a {@link RawNumberNode} holding its text
     * as the client wrote it, so the response echoes it character for character: a parsed number
     * would come back as Jackson writes it ({@code -0} as {@code 0}, {@code 1.50} as {@code 1.5}).
     * The text is read again from the frame with a streaming parser; the last of duplicate keys
     * wins, as in the tree.
     */
    private void keepRawRpcIds(String frame, ObjectNode root) {
        Map<JsonPointer, String> raw = new LinkedHashMap<>();
        try (JsonParser parser = mapper.createParser(frame)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isNumeric() && "id".equals(parser.currentName())) {
                    JsonPointer at = parser.getParsingContext().pathAsPointer();
                    if (RPC_ID_POINTER.matcher(at.toString()).matches()) {
                        raw.put(at, parser.getText());
                    }
                }
            }
        } catch (IOException e) {
            return;
        }
        raw.forEach((at, text) -> {
            if (root.at(at).isNumber() && root.at(at.head()) instanceof ObjectNode holder) {
                holder.set("id", rawNumber(text));
            }
        });
    }

    private Decoded decodePlain(ObjectNode root) {
        JsonNode messageIdNode = root.get("message_id");
        // an invalid message_id is never echoed: the refusal then has no reply_to
        String messageId = messageIdNode != null && messageIdNode.isTextual() && WireId.isValid(messageIdNode.textValue())
                ? messageIdNode.textValue() : null;
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return reject("field 'type' is required and must be a string", messageId);
        }
        String type = typeNode.asText();
        if (!isTypeShaped(type)) {
            return reject("field 'type' must match " + TYPE_SHAPE.pattern(), messageId);
        }
        if (messageIdNode != null && messageId == null) {
            return reject(WireId.problem("message_id"), null);
        }
        String threadId;
        String runId;
        try {
            threadId = optionalId(root, "thread_id");
            runId = optionalId(root, "run_id");
        } catch (IllegalArgumentException e) {
            return reject(e.getMessage(), messageId);
        }
        JsonNode payload = root.get("payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            return reject("field 'payload' must be an object", messageId);
        }
        ObjectNode payloadObject = payload instanceof ObjectNode ? (ObjectNode) payload : null;
        return new Decoded.Message(new ClientMessage(type, messageId, threadId, runId, payloadObject, null, false));
    }

    private Decoded decodeJsonRpc(ObjectNode root) {
        JsonNode id = root.get("id");
        boolean idValid = isValidRpcId(id);
        JsonNode rpcId = idValid ? id : null;
        if (!"2.0".equals(root.path("jsonrpc").asText(null))) {
            return rpcReject("not a JSON-RPC 2.0 request", rpcId == null ? JsonNodeFactory.instance.nullNode() : rpcId);
        }
        if (!idValid) {
            return rpcReject("field 'id' must be a string or a number of at most " + WireId.MAX_LENGTH
                    + " characters, or null", JsonNodeFactory.instance.nullNode());
        }
        JsonNode method = root.get("method");
        if (method == null || !method.isTextual() || !isTypeShaped(method.asText())) {
            return rpcReject("field 'method' is required and must be a message type", rpcId);
        }
        JsonNode params = root.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            return new Decoded.Rejected(ErrorCode.INVALID_MESSAGE, "field 'params' must be an object", null, rpcId,
                    ErrorCode.INVALID_MESSAGE.jsonRpcCode(), true);
        }
        ObjectNode paramsObject = params instanceof ObjectNode ? (ObjectNode) params : null;
        String threadId;
        String runId;
        try {
            threadId = paramsObject == null ? null : optionalId(paramsObject, "thread_id");
            runId = paramsObject == null ? null : optionalId(paramsObject, "run_id");
        } catch (IllegalArgumentException e) {
            return new Decoded.Rejected(ErrorCode.INVALID_MESSAGE, e.getMessage(), null, rpcId,
                    ErrorCode.INVALID_MESSAGE.jsonRpcCode(), true);
        }
        return new Decoded.Message(new ClientMessage(method.asText(), null, threadId, runId, paramsObject, rpcId, true));
    }

    /**
     * A JSON-RPC id may be absent, null, a string or a number, at most 128 characters as written.
     * A number from {@link #decode(String)} is a {@link RawNumberNode} (or, past BigDecimal's
     * exponents, a raw value node) holding the client's text.
     */
    private static boolean isValidRpcId(JsonNode id) {
        if (id == null || id.isNull()) {
            return true;
        }
        if (id.isTextual()) {
            return id.textValue().length() <= WireId.MAX_LENGTH;
        }
        if (id instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw) {
            return String.valueOf(raw.rawValue()).length() <= WireId.MAX_LENGTH;
        }
        // a RawNumberNode's text is the client's
        return id.isNumber() && id.asText().length() <= WireId.MAX_LENGTH;
    }

    /** Whether {@code type} matches {@link #TYPE_SHAPE}, checked by hand: it runs for every message. */
    static boolean isTypeShaped(String type) {
        int length = type.length();
        if (length == 0 || length > 64 || type.charAt(0) < 'a' || type.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = type.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static String optionalId(ObjectNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || !WireId.isValid(node.textValue())) {
            throw new IllegalArgumentException(WireId.problem(field));
        }
        return node.asText();
    }

    private static Decoded reject(String reason, String messageId) {
        return new Decoded.Rejected(ErrorCode.INVALID_MESSAGE, reason, messageId, null,
                ErrorCode.INVALID_MESSAGE.jsonRpcCode(), false);
    }

    private static Decoded rpcReject(String reason, JsonNode rpcId) {
        return new Decoded.Rejected(ErrorCode.INVALID_MESSAGE, reason, null, rpcId, RPC_INVALID_REQUEST, true);
    }

    /** Encodes a server event as one JSON object: {@code type} first, then its fields. */
    public String encode(ServerEvent event) {
        return encode(event, null);
    }

    /**
     * Encodes a direct reply: the event's fields, then {@code reply_to} (replacing any the event
     * had) when {@code replyTo} is not null — without copying the event.
     */
    public String encode(ServerEvent event, String replyTo) {
        // Written field by field: the hot path of every reply and run event (EventWriter).
        ReplyText text = REPLY_TEXT.get();
        Writer out = text.take();
        try {
            return encode(event, replyTo, out);
        } finally {
            text.give(out);
        }
    }

    private String encode(ServerEvent event, String replyTo, Writer out) {
        try {
            events.write(event, replyTo, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a server event", e);
        }
        return out.toString();
    }

    private static final ThreadLocal<ReplyText> REPLY_TEXT = ThreadLocal.withInitial(ReplyText::new);

    /**
     * Each thread's buffer for the text of the events it encodes: every reply and run event is
     * encoded on the thread that sends it, so one buffer per thread is reused instead of a new
     * (synchronized) {@code StringWriter} per frame. An encoding inside another one on the same
     * thread gets a fresh writer; a buffer grown past 16 K chars by a large event is dropped.
     */
    private static final class ReplyText extends Writer {
        private static final int KEEP_CHARS = 16 * 1024;
        private StringBuilder text = new StringBuilder(256);
        private boolean inUse;

        Writer take() {
            if (inUse) {
                return new StringWriter(160);
            }
            inUse = true;
            text.setLength(0);
            return this;
        }

        /** Done with {@code taken} (what {@link #take} returned). */
        void give(Writer taken) {
            if (taken != this) {
                return;
            }
            inUse = false;
            if (text.capacity() > KEEP_CHARS) {
                text = new StringBuilder(256);
            }
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
        }

        @Override
        public void write(String string, int offset, int length) {
            text.append(string, offset, offset + length);
        }

        @Override
        public void write(int c) {
            text.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    /** Encodes a plain JSON object (HTTP bodies and other non-event documents). */
    public String encodeObject(Map<String, ?> object) {
        return write(object);
    }

    /** Encodes a JSON-RPC 2.0 success response whose result is the reply event, or null when none. */
    public String encodeRpcResult(JsonNode id, ServerEvent reply) {
        Map<String, Object> result = null;
        if (reply != null) {
            result = new LinkedHashMap<>(reply.fields().size() + 1);
            result.put("type", reply.type());
            result.putAll(reply.fields());
            result.remove("reply_to");
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("id", id);
        response.put("result", result);
        return write(response);
    }

    /** Encodes a JSON-RPC 2.0 error response; {@code data.code} carries the router's error code. */
    public String encodeRpcError(JsonNode id, int rpcCode, ErrorCode code, String message, Map<String, Object> details) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("code", code.wire());
        data.putAll(details);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", rpcCode);
        error.put("message", message);
        error.put("data", data);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", "2.0");
        response.put("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        response.put("error", error);
        return write(response);
    }

    /** Builds the {@code error} event for a code. */
    public static ServerEvent errorEvent(ErrorCode code, String message, String replyTo, Map<String, Object> details) {
        ServerEvent.Builder builder = ServerEvent.builder(EventType.ERROR)
                .put("code", code.wire())
                .put("message", message)
                .put("reply_to", replyTo);
        details.forEach(builder::put);
        return builder.build();
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode a server event", e);
        }
    }
}
