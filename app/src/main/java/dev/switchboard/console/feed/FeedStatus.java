package dev.switchboard.console.feed;

import java.time.Instant;
import java.util.Objects;

/**
 * The feed's connection state.
 *
 * @param state  connected, reconnecting, lost, refused (the token), or offline (a saved session)
 * @param since  when it entered that state
 * @param detail  a human line (the URL, the last error)
 * @param retryAt when the next reconnect attempt is due, or null (connected, or not retrying)
 */
public record FeedStatus(State state, Instant since, String detail, Instant retryAt) {

    /**
     * The feed's connection states: {@code REFUSED} when the router refused the token (401 or 403),
     * which no retry mends; the console asks for another token then. {@code OFFLINE}: a saved
     * session, with no router behind it.
     */
    public enum State { CONNECTED, RECONNECTING, LOST, REFUSED, OFFLINE }

    public FeedStatus {
        Objects.requireNonNull(state, "state must not be null");
        Objects.requireNonNull(since, "since must not be null");
    }

    /** Connected from now on, with {@code detail} saying to what. */
    public static FeedStatus connectedNow(String detail) {
        return new FeedStatus(State.CONNECTED, Instant.now(), detail, null);
    }

    /** A status without a scheduled retry. */
    public FeedStatus(State state, Instant since, String detail) {
        this(state, since, detail, null);
    }
}
