package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The traffic a console session kept ("Keep traffic in the session"): what the routers' {@code record}
 * command sent while it was on, in the order it came, which a saved session carries as
 * {@value #TYPE} lines and {@code simulate record --session} turns into a replayable recording.
 *
 * @param from     when what is kept begins, on the routers' clock: when keeping started, or the
 *                 first entry kept once the oldest had to go
 * @param to       when it ends: when the session was saved, or keeping stopped
 * @param sources  the routers it came from
 * @param content  {@code masked} (the routers replaced what users wrote) or {@code kept}
 * @param dropped  entries missing between {@code from} and {@code to} (a router's recording queue
 *                 was full, or the console did not read fast enough)
 * @param trimmed  entries that went for the session's bound, all older than {@code from}
 * @param entries  the routers' recording entries ({@code message}, {@code unparsed}, {@code error},
 *                 {@code run_started}, {@code run_ended}, each with {@code at}), and the console's
 *                 {@code connection_closed_by_router} for a connection the router closed
 */
public record SessionTraffic(Instant from, Instant to, List<String> sources, String content, long dropped,
                             long trimmed, List<JsonNode> entries) {
    /** The {@code type} of a session line holding traffic. */
    public static final String TYPE = "session_traffic";

    public SessionTraffic {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
        sources = List.copyOf(sources);
        Objects.requireNonNull(content, "content must not be null");
        entries = List.copyOf(entries);
    }
}
