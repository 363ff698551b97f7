package dev.switchboard.router.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.Decoded;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.MessageType;
import dev.switchboard.router.routing.AdmissionCheck;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.MessageHandler;
import dev.switchboard.router.routing.MessageRouter;
import dev.switchboard.router.routing.MessageRejected;

/**
 * {@code batch}: routes each inner message in order, exactly as if it had been sent alone (its own
 * validation and rate-limit token, its own reply), within the batch's turn in the dispatch queue.
 * Batches do not nest.
 */
final class BatchHandler implements MessageHandler {
    static final int MAX_MESSAGES = 50;

    private final JsonCodec codec;
    private final MessageRouter router;
    private final AdmissionCheck admission;

    BatchHandler(JsonCodec codec, MessageRouter router, AdmissionCheck admission) {
        this.codec = codec;
        this.router = router;
        this.admission = admission;
    }

    @Override
    public void handle(MessageContext context, ClientMessage message) {
        JsonNode messages = message.payload().get("messages");
        if (messages == null || !messages.isArray()) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE, "payload.messages must be an array");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE,
                    "a batch holds at most " + MAX_MESSAGES + " messages");
        }
        for (JsonNode element : messages) {
            Decoded decoded = codec.decode(element);
            if (decoded instanceof Decoded.Rejected rejected) {
                ClientMessage stand = new ClientMessage(MessageType.BATCH, rejected.messageId(), null, null, null,
                        rejected.rpcId(), rejected.jsonRpc());
                context.forMessage(stand, rejected.rpcCode()).fail(rejected.code(), rejected.reason());
                continue;
            }
            ClientMessage inner = ((Decoded.Message) decoded).message();
            MessageContext innerContext = context.forMessage(inner);
            if (MessageType.BATCH.equals(inner.type())) {
                innerContext.fail(ErrorCode.INVALID_MESSAGE, "batches cannot nest");
                continue;
            }
            try {
                admission.admit(innerContext, inner);
            } catch (MessageRejected rejection) {
                innerContext.fail(rejection.code(), rejection.getMessage(), rejection.details());
                continue;
            }
            router.route(innerContext, inner);
        }
    }
}
