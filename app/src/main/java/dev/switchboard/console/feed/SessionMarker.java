package dev.switchboard.console.feed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * A line of a saved session that is not a monitor frame: the console's feed changed state (lost the
 * router, reconnected to it, had its token refused) at {@code at}. Written between the frames where
 * it happened, so that an opened session shows the outage where it was; a console that does not know
 * the line skips it.
 *
 * @param at     when the feed entered the state
 * @param feed   the state, in lower case: {@code connected}, {@code reconnecting}, {@code lost}, {@code refused}
 * @param detail the status line's words at the time (the URL, the last error), or null
 */
@JsonPropertyOrder({"type", "at", "feed", "detail"})
// its type is written, not read back; a later console may add fields
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionMarker(Instant at, String feed, String detail) {
    /** The {@code type} of a marker line. */
    public static final String TYPE = "console_marker";

    public SessionMarker {
        Objects.requireNonNull(at, "at must not be null");
        Objects.requireNonNull(feed, "feed must not be null");
    }

    /** The marker for a feed status. */
    public static SessionMarker of(FeedStatus status) {
        return new SessionMarker(status.since(), status.state().name().toLowerCase(java.util.Locale.ROOT),
                status.detail());
    }

    /** Its line's type. */
    @JsonProperty("type")
    public String type() {
        return TYPE;
    }

    /** The feed status it marks (an unknown state reads as lost). */
    public FeedStatus status() {
        FeedStatus.State state;
        try {
            state = FeedStatus.State.valueOf(feed.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            state = FeedStatus.State.LOST;
        }
        return new FeedStatus(state, at, detail);
    }
}
