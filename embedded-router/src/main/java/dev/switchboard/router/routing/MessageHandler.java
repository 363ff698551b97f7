package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ClientMessage;

/**
 * Serves one message type. Handlers run on a router thread and must not block: long work (an agent
 * run) goes to an executor. To refuse a message with a documented error code, throw
 * {@link MessageRejected}; any other exception is counted as a handler error and answered with
 * {@code handler_failed}.
 */
@FunctionalInterface
public interface MessageHandler {

    /** Handles one message from the connection described by {@code context}. */
    void handle(MessageContext context, ClientMessage message) throws Exception;
}
