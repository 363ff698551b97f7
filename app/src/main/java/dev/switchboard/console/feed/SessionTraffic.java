package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The traffic a console session kept ("Keep traffic in the session"): what the routers' {@code record}
 * command sent while it was on, in the order it came, which a saved session carries as
 * {@value #TYPE} lines and {@code simulate record --session} turns into a replayable recording.
 *
 * @param from     when what is kept begins, on the routers' clock: when the routers started
 *                 recording, or the first entry kept once the oldest had to go
 * @param to       when it ends, on the routers' clock: when the session was saved, or keeping stopped
 * @param sources  the routers it came from
 * @param content  {@code masked} (the routers replaced what users wrote) or {@code kept}
 * @param dropped  entries missing between {@code from} and {@code to} (a router's recording queue
 *                 was full, or the console did not read fast enough)
 * @param trimmed  entries that went for the session's bound, all older than {@code from}
 * @param entries  each entry's JSON: the routers' recording entries ({@code message}, {@code unparsed},
 *                 {@code error}, {@code run_started}, {@code run_ended}, each with {@code at}), and
 *                 the console's {@code connection_closed_by_router} for a connection the router closed
 */
public record SessionTraffic(Instant from, Instant to, List<String> sources, String content, long dropped,
                             long trimmed, List<String> entries) {
    /** The {@code type} of a session line holding traffic. */
    public static final String TYPE = "session_traffic";
    /** Entries per saved line. */
    static final int PER_LINE = 500;

    public SessionTraffic {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
        sources = List.copyOf(sources);
        Objects.requireNonNull(content, "content must not be null");
        entries = List.copyOf(entries);
    }

    /**
     * The session lines that hold it: {@value #PER_LINE} entries a line, each line saying what the
     * traffic is (one line without entries when none came).
     */
    public List<String> lines() {
        ObjectNode header = Json.mapper().createObjectNode().put("type", TYPE).put("from", from.toString())
                .put("to", to.toString()).put("content", content).put("dropped", dropped).put("trimmed", trimmed);
        sources.forEach(header.putArray("sources")::add);
        String head = header.toString();
        String open = head.substring(0, head.length() - 1) + ",\"entries\":[";
        List<String> lines = new ArrayList<>(entries.size() / PER_LINE + 1);
        StringBuilder line = new StringBuilder(open);
        int inLine = 0;
        for (String entry : entries) {
            if (inLine == PER_LINE) {
                lines.add(line.append("]}").toString());
                line = new StringBuilder(open);
                inLine = 0;
            }
            line.append(inLine == 0 ? "" : ",").append(entry);
            inLine++;
        }
        lines.add(line.append("]}").toString());
        return lines;
    }
}
