package dev.switchboard.router.hooks;

import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.connections.ConnectionSink;

/**
 * A WebSocket endpoint beside the client one (the monitor's {@code /monitor}): same port, same
 * handshake authentication, its own authorisation and messages.
 */
public interface SideEndpoint {

    /** Why {@code principal} may not connect (answered with an HTTP refusal), or null to let it in. */
    HandshakeRefusal refuse(Principal principal);

    /**
     * A refused handshake: answered with {@code status} and {@code {"error","reason","message"}}.
     *
     * @param retryAfterSeconds sent as {@code Retry-After} when positive
     */
    record HandshakeRefusal(int status, String error, String reason, String message, long retryAfterSeconds) {
    }

    /** A connection opened; frames to it go through {@code sink}. */
    Session open(Principal principal, ConnectionSink sink);

    /** One open side connection. */
    interface Session {
        /** A text frame arrived (on a WebSocket worker thread: must not block). */
        void message(String text);

        /** The connection closed. */
        void closed();
    }
}
