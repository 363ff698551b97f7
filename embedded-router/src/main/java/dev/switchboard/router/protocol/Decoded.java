package dev.switchboard.router.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** The outcome of decoding one text frame: a message, or a rejection to send back to the client. */
public sealed interface Decoded {

    /** The frame decoded into a message. */
    record Message(ClientMessage message) implements Decoded {
    }

    /**
     * The frame is not a valid message.
     *
     * @param code      the error code for the {@code error} event
     * @param reason    a short text that never echoes the frame's content
     * @param messageId the frame's {@code message_id} if it was a valid {@link WireId}, for {@code reply_to};
     *                  null otherwise (an invalid one is never echoed)
     * @param rpcId     the JSON-RPC id if the frame was a JSON-RPC request with a valid one (numbers kept as
     *                  written, see {@link ClientMessage}); a JSON null node when the id was invalid
     * @param rpcCode   the JSON-RPC error code to use for a JSON-RPC frame
     * @param jsonRpc   whether the frame was recognisably a JSON-RPC request
     */
    record Rejected(ErrorCode code, String reason, String messageId, JsonNode rpcId, int rpcCode, boolean jsonRpc)
            implements Decoded {
    }
}
