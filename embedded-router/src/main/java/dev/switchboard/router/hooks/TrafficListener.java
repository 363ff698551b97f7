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
        public void errorSent(String userId, String connectionId, String messageType, String messageId, ErrorCode code,
                              String text) {
        }
    };

    /**
     * Tells {@code first}, then {@code second}; one that throws is logged and does not stop the other
     * (no allocation per call: these run for every message).
     */
    static TrafficListener both(TrafficListener first, TrafficListener second) {
        return new Both(first, second);
    }

    /** A message passed validation, classification and rate limits. */
    void admitted(String userId, String connectionId, ClientMessage message, Classification classification);

    /**
     * An error was sent to a client ({@code messageType} is the offending message's type, or
     * "invalid"; {@code messageId} its {@code message_id}, or null).
     */
    void errorSent(String userId, String connectionId, String messageType, String messageId, ErrorCode code,
                   String text);

    /**
     * A frame other than an error was sent to one connection in answer to it: a reply
     * ({@code message_ack}, {@code pong}, …; {@code rpc_result} for a JSON-RPC result) or the
     * {@code connection_established} greeting.
     *
     * @param replyTo the {@code message_id} or JSON-RPC id answered, or null
     */
    default void replied(String userId, String connectionId, String type, String replyTo) {
    }

    /** {@link #both}. */
    final class Both implements TrafficListener {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TrafficListener.class);
        private final TrafficListener first;
        private final TrafficListener second;

        private Both(TrafficListener first, TrafficListener second) {
            this.first = java.util.Objects.requireNonNull(first, "first must not be null");
            this.second = java.util.Objects.requireNonNull(second, "second must not be null");
        }

        @Override
        public void admitted(String userId, String connectionId, ClientMessage message, Classification classification) {
            try {
                first.admitted(userId, connectionId, message, classification);
            } catch (RuntimeException e) {
                log.warn("a traffic listener failed; the other was told", e);
            }
            try {
                second.admitted(userId, connectionId, message, classification);
            } catch (RuntimeException e) {
                log.warn("a traffic listener failed; the other was told", e);
            }
        }

        @Override
        public void errorSent(String userId, String connectionId, String messageType, String messageId, ErrorCode code,
                              String text) {
            try {
                first.errorSent(userId, connectionId, messageType, messageId, code, text);
            } catch (RuntimeException e) {
                log.warn("a traffic listener failed; the other was told", e);
            }
            try {
                second.errorSent(userId, connectionId, messageType, messageId, code, text);
            } catch (RuntimeException e) {
                log.warn("a traffic listener failed; the other was told", e);
            }
        }

        @Override
        public void replied(String userId, String connectionId, String type, String replyTo) {
            try {
                first.replied(userId, connectionId, type, replyTo);
            } catch (RuntimeException e) {
                log.warn("a traffic listener failed; the other was told", e);
            }
            try {
                second.replied(userId, connectionId, type, replyTo);
            } catch (RuntimeException e) {
                log.warn("a traffic listener failed; the other was told", e);
            }
        }
    }
}
