package dev.switchboard.router.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One decoded client message.
 *
 * @param type      the message type (always present)
 * @param messageId the client's correlation id, echoed as {@code reply_to}; may be null; from the
 *                  codec always a {@link WireId}
 * @param threadId  the conversation thread; may be null; from the codec always a {@link WireId}
 * @param runId     the agent run the message refers to; may be null; from the codec always a {@link WireId}
 * @param payload   the payload object, never null (empty when absent)
 * @param rpcId     for JSON-RPC 2.0 frames, the request id (may be a JSON null node); null otherwise. A
 *                  numeric id from the codec is a numeric node that keeps the number as the client
 *                  wrote it, so that writing the node echoes it character for character
 * @param jsonRpc   whether the frame was a JSON-RPC 2.0 request
 */
public record ClientMessage(
        String type, String messageId, String threadId, String runId, ObjectNode payload, JsonNode rpcId,
        boolean jsonRpc) {

    public ClientMessage {
        Objects.requireNonNull(type, "type must not be null");
        payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
    }

    /** A plain (non JSON-RPC) message with the given type and payload, for tests and embedders. */
    public static ClientMessage of(String type, ObjectNode payload) {
        return new ClientMessage(type, null, null, null, payload, null, false);
    }

    /** The payload field as text, or null when absent or not a string. */
    public String payloadText(String field) {
        JsonNode node = payload.get(field);
        return node != null && node.isTextual() ? node.asText() : null;
    }

    /** Whether a JSON-RPC request expects a response (it has an {@code id}). */
    public boolean expectsRpcResponse() {
        return jsonRpc && rpcId != null;
    }
}
