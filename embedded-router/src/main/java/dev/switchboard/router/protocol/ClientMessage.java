package dev.switchboard.router.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One decoded client message: a value type (equal messages have equal fields and payloads).
 *
 * <p>The codec decodes a plain frame's envelope without building its payload tree: the tree is
 * built from the frame the first time {@link #payload()} is called (a {@code ping} handler never
 * calls it), and what validation needs from the payload is in {@link #payloadScan()}.
 */
public final class ClientMessage {
    private final String type;
    private final String messageId;
    private final String threadId;
    private final String runId;
    private final JsonNode rpcId;
    private final boolean jsonRpc;
    private final PayloadScan scan;
    private final Supplier<ObjectNode> source;
    private volatile ObjectNode payload;

    /**
     * A message with its payload tree at hand.
     *
     * @param type      the message type (always present)
     * @param messageId the client's correlation id, echoed as {@code reply_to}; may be null; from the
     *                  codec always a {@link WireId}
     * @param threadId  the conversation thread; may be null; from the codec always a {@link WireId}
     * @param runId     the agent run the message refers to; may be null; from the codec always a {@link WireId}
     * @param payload   the payload object; null means empty
     * @param rpcId     for JSON-RPC 2.0 frames, the request id (may be a JSON null node); null otherwise. A
     *                  numeric id from the codec is a numeric node that keeps the number as the client
     *                  wrote it, so that writing the node echoes it character for character
     * @param jsonRpc   whether the frame was a JSON-RPC 2.0 request
     */
    public ClientMessage(String type, String messageId, String threadId, String runId, ObjectNode payload,
            JsonNode rpcId, boolean jsonRpc) {
        this(type, messageId, threadId, runId, rpcId, jsonRpc, null, null);
        this.payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
    }

    /** A plain message whose payload tree {@code source} builds when first asked for. */
    ClientMessage(String type, String messageId, String threadId, String runId, Supplier<ObjectNode> source,
            PayloadScan scan) {
        this(type, messageId, threadId, runId, null, false, Objects.requireNonNull(source, "source must not be null"),
                Objects.requireNonNull(scan, "scan must not be null"));
    }

    private ClientMessage(String type, String messageId, String threadId, String runId, JsonNode rpcId,
            boolean jsonRpc, Supplier<ObjectNode> source, PayloadScan scan) {
        this.type = Objects.requireNonNull(type, "type must not be null");
        this.messageId = messageId;
        this.threadId = threadId;
        this.runId = runId;
        this.rpcId = rpcId;
        this.jsonRpc = jsonRpc;
        this.source = source;
        this.scan = scan;
    }

    /** A plain (non JSON-RPC) message with the given type and payload, for tests and embedders. */
    public static ClientMessage of(String type, ObjectNode payload) {
        return new ClientMessage(type, null, null, null, payload, null, false);
    }

    /** The message type (always present). */
    public String type() {
        return type;
    }

    /** The client's correlation id, echoed as {@code reply_to}; may be null. */
    public String messageId() {
        return messageId;
    }

    /** The conversation thread; may be null. */
    public String threadId() {
        return threadId;
    }

    /** The agent run the message refers to; may be null. */
    public String runId() {
        return runId;
    }

    /** For JSON-RPC 2.0 frames, the request id (may be a JSON null node); null otherwise. */
    public JsonNode rpcId() {
        return rpcId;
    }

    /** Whether the frame was a JSON-RPC 2.0 request. */
    public boolean jsonRpc() {
        return jsonRpc;
    }

    /**
     * The payload object, never null (empty when absent). Built on first call for a message the
     * codec decoded lazily; the same object on every later call, so changes made to it (the
     * validator's control-character stripping) are what the handler sees.
     */
    public ObjectNode payload() {
        ObjectNode built = payload;
        if (built != null) {
            return built;
        }
        synchronized (this) {
            if (payload == null) {
                payload = source.get();
            }
            return payload;
        }
    }

    /**
     * What the codec saw in the payload while decoding, when it decoded the payload lazily; null when
     * the message was built with its tree (validation then walks the tree).
     */
    public PayloadScan payloadScan() {
        return scan;
    }

    /** The payload field as text, or null when absent or not a string. */
    public String payloadText(String field) {
        JsonNode node = payload().get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** Whether a JSON-RPC request expects a response (it has an {@code id}). */
    public boolean expectsRpcResponse() {
        return jsonRpc && rpcId != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientMessage that && jsonRpc == that.jsonRpc && type.equals(that.type)
                && Objects.equals(messageId, that.messageId) && Objects.equals(threadId, that.threadId)
                && Objects.equals(runId, that.runId) && Objects.equals(rpcId, that.rpcId)
                && payload().equals(that.payload());
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, messageId, threadId, runId, rpcId, jsonRpc, payload());
    }

    @Override
    public String toString() {
        return "ClientMessage[type=" + type + ", messageId=" + messageId + ", threadId=" + threadId + ", runId="
                + runId + ", payload=" + payload() + ", rpcId=" + rpcId + ", jsonRpc=" + jsonRpc + "]";
    }

    /**
     * What validation needs to know about a payload, gathered while the frame streamed past.
     *
     * @param fields        field names in the payload at every depth (duplicates counted: never fewer than
     *                      the tree holds)
     * @param longestString the length in chars of its longest string value
     * @param control       whether a string value holds a control character (other than tab, CR, LF)
     * @param markupChars   whether a string value holds {@code <}, {@code :} or {@code =}, one of which
     *                      every markup pattern needs
     */
    public record PayloadScan(int fields, int longestString, boolean control, boolean markupChars) {
        /** An absent or empty payload. */
        public static final PayloadScan EMPTY = new PayloadScan(0, 0, false, false);
    }
}
