package dev.switchboard.router.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
    private static final int MAX_ID_LENGTH = 128;
    private static final int MAX_DEPTH = 32;

    private final ObjectMapper mapper;

    public JsonCodec() {
        this.mapper = JsonMapper.builder().build();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    }

    /** The shared mapper, for components that build payload nodes. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Decodes one text frame. Never throws for bad input: a bad frame becomes {@link Decoded.Rejected}. */
    public Decoded decode(String frame) {
        JsonNode root;
        try {
            root = mapper.readTree(frame);
        } catch (StreamConstraintsException e) {
            return reject("message nested deeper than " + MAX_DEPTH + " levels", null);
        } catch (JsonProcessingException e) {
            return new Decoded.Rejected(ErrorCode.INVALID_JSON, "frame is not valid JSON", null, null, -32700, false);
        }
        if (root == null || !root.isObject()) {
            return reject("a message must be a JSON object", null);
        }
        return root.has("jsonrpc") ? decodeJsonRpc((ObjectNode) root) : decodePlain((ObjectNode) root);
    }

    /** Decodes one element of a batch: the same rules as a frame, but from a parsed node. */
    public Decoded decode(JsonNode node) {
        if (node == null || !node.isObject()) {
            return reject("a message must be a JSON object", null);
        }
        return node.has("jsonrpc") ? decodeJsonRpc((ObjectNode) node) : decodePlain((ObjectNode) node);
    }

    private Decoded decodePlain(ObjectNode root) {
        JsonNode messageIdNode = root.get("message_id");
        String messageId = messageIdNode != null && messageIdNode.isTextual()
                && messageIdNode.asText().length() <= MAX_ID_LENGTH ? messageIdNode.asText() : null;
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return reject("field 'type' is required and must be a string", messageId);
        }
        String type = typeNode.asText();
        if (!isTypeShaped(type)) {
            return reject("field 'type' must match " + TYPE_SHAPE.pattern(), messageId);
        }
        if (messageIdNode != null && messageId == null) {
            return reject("field 'message_id' must be a string of at most " + MAX_ID_LENGTH + " characters", null);
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
        boolean idValid = id == null || id.isNull() || id.isTextual() || id.isIntegralNumber();
        JsonNode rpcId = idValid ? id : null;
        if (!"2.0".equals(root.path("jsonrpc").asText(null)) || !idValid) {
            return rpcReject("not a JSON-RPC 2.0 request", rpcId == null ? JsonNodeFactory.instance.nullNode() : rpcId);
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
        if (!node.isTextual() || node.asText().isEmpty() || node.asText().length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be a non-empty string of at most " + MAX_ID_LENGTH + " characters");
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
        // Streamed field by field: the hot path of every reply and run event, so strings and
        // numbers skip the serializer lookups that writing a whole Map would do for each value.
        StringWriter out = new StringWriter(160);
        try (JsonGenerator json = mapper.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", event.type());
            for (Map.Entry<String, Object> field : event.fields().entrySet()) {
                if (replyTo != null && field.getKey().equals("reply_to")) {
                    continue;
                }
                json.writeFieldName(field.getKey());
                writeValue(json, field.getValue());
            }
            if (replyTo != null) {
                json.writeStringField("reply_to", replyTo);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a server event", e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value instanceof String text) {
            json.writeString(text);
        } else if (value instanceof Integer number) {
            json.writeNumber(number);
        } else if (value instanceof Long number) {
            json.writeNumber(number);
        } else if (value instanceof Boolean flag) {
            json.writeBoolean(flag);
        } else {
            json.writeObject(value);
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
