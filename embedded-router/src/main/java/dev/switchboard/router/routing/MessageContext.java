package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.trace.MessageTrace;
import java.util.Map;

/**
 * Where one message came from and how to answer it. The user id is the one authenticated at the
 * handshake; nothing in a message can change it.
 */
public interface MessageContext {

    /** The authenticated user that sent the message. */
    String userId();

    /** The connection the message arrived on. */
    String connectionId();

    /**
     * When the message's frame arrived, on {@link System#nanoTime()}'s clock; a context that does
     * not know says now.
     */
    default long receivedAtNanos() {
        return System.nanoTime();
    }

    /** The message's trace when it is sampled (see {@code Tracer}), else null. */
    default MessageTrace trace() {
        return null;
    }

    /**
     * Sends a direct reply to the connection the message came on. {@code reply_to} is added when the
     * message had a {@code message_id}; a JSON-RPC request gets a JSON-RPC response instead.
     */
    void reply(ServerEvent event);

    /** Sends an {@code error} event (or a JSON-RPC error response) for this message. */
    default void fail(ErrorCode code, String message) {
        fail(code, message, Map.of());
    }

    /** Sends an {@code error} event with extra fields (for example {@code retry_after_ms}). */
    void fail(ErrorCode code, String message, Map<String, Object> details);

    /**
     * Called once when routing of the message has finished: a JSON-RPC request that got no reply
     * gets a {@code null} result, so every request with an id is answered.
     */
    default void complete() {
    }

    /**
     * Keeps the message open after its handler returns, for an answer that comes later from another
     * thread (a cluster node asked over the network): {@link #complete()} at the handler's return then
     * sends nothing, and the handler answers through the context returned, calling its
     * {@code complete()} once done.
     */
    default MessageContext answerLater() {
        return this;
    }

    /** Whether a reply or an error has been sent for this message. */
    boolean answered();

    /** A context for another message on the same connection (an element of a batch). */
    MessageContext forMessage(ClientMessage message);

    /**
     * A context for a message that could not be decoded, answering a JSON-RPC request with
     * {@code rpcErrorCode} (for example -32600 for an invalid request).
     */
    default MessageContext forMessage(ClientMessage message, int rpcErrorCode) {
        return forMessage(message);
    }
}
