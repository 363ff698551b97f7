package dev.switchboard.router.transport;

import java.time.Instant;

/**
 * Whether the WebSocket listener accepts connections now, since when, and why not.
 *
 * @param state  where the listener is
 * @param since  when it got there
 * @param reason why it is not listening, in words (null while listening)
 */
public record ListenerStatus(State state, Instant since, String reason) {

    /** Where the listener is. */
    public enum State {
        /** Not bound yet. */
        STARTING,
        /** Accepting connections. */
        LISTENING,
        /** Bound, but accepts are paused: the process ran out of file descriptors; retried with back-off. */
        PAUSED,
        /** The listening socket is gone; the router is binding it again. */
        DOWN,
        /** Stopped on purpose. */
        STOPPED
    }

    /** Whether new connections are being accepted. */
    public boolean accepting() {
        return state == State.LISTENING;
    }
}
