package dev.switchboard.router.hooks;

import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;

/** Hears about client traffic (the monitor feed). Called on hot paths: must be cheap and never block. */
public interface TrafficListener {

    /** Listens to nothing. */
    TrafficListener NONE = new TrafficListener() {
        @Override
        public void admitted(String userId, String connectionId, ClientMessage message, Classification classification) {
        }

        @Override
        public void errorSent(String userId, String connectionId, String messageType, ErrorCode code, String text) {
        }
    };

    /** A message passed validation, classification and rate limits. */
    void admitted(String userId, String connectionId, ClientMessage message, Classification classification);

    /** An error was sent to a client ({@code messageType} is the offending message's type, or "invalid"). */
    void errorSent(String userId, String connectionId, String messageType, ErrorCode code, String text);

    /**
     * A frame other than an error was sent to one connection in answer to it: a reply
     * ({@code message_ack}, {@code pong}, …; {@code rpc_result} for a JSON-RPC result) or the
     * {@code connection_established} greeting.
     *
     * @param replyTo the {@code message_id} or JSON-RPC id answered, or null
     */
    default void replied(String userId, String connectionId, String type, String replyTo) {
    }
}
