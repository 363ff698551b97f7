package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps what the console holds, to save it: every snapshot the feed sent (one per connection:
 * after a router restart or an outage the feed sends a new one) with the updates after each, and
 * where the feed was lost and came back ({@link SessionMarker}s) — the incident across reconnects,
 * not only what came after the latest snapshot. Bounded: at most {@code maxUpdates} updates holding
 * at most {@code maxEvents} events in all, {@value #MAX_SNAPSHOTS} snapshots and {@value #MAX_MARKERS}
 * markers; the oldest go first, and a snapshot goes when what came after it has gone and a later
 * snapshot stands in for it. Saved as JSON lines in the order they
 * came, and replayed by {@link ReplayFeed}. Thread-safe: feed threads record, the FX thread saves.
 */
public final class SessionRecorder implements Consumer<MonitorFrame> {
    /** Snapshots kept: a router behind a proxy that drops idle connections sends one per reconnect. */
    static final int MAX_SNAPSHOTS = 20;
    /** Markers kept (a feed flapping for hours writes two a reconnect). */
    static final int MAX_MARKERS = 1_000;
    /** Characters of traffic kept by default: about 32 MB of heap, some 100,000 masked chat messages. */
    public static final long MAX_TRAFFIC_CHARS = 16_000_000;
    /** Traffic entries per saved line. */
    static final int TRAFFIC_LINE = 500;

    private final int maxUpdates;
    private final int maxEvents;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private int updates;
    private int events;
    private int markers;
    private FeedStatus.State lastState;
    private final long maxTrafficChars;
    /** The traffic kept, as it came: null until traffic was first kept. */
    private ArrayDeque<Kept> traffic;
    private long trafficChars;
    private Instant trafficFrom;
    /** When keeping stopped; null while it goes on. */
    private Instant trafficTo;
    private List<String> trafficSources = List.of();
    private String trafficContent = "masked";
    private long trafficDropped;
    private long trafficTrimmed;

    /** One traffic entry: its time (epoch ms) and its JSON. */
    private record Kept(long atMillis, String json) {
    }

    /** A snapshot (null for anything recorded before the first one) and what came after it. */
    private static final class Segment {
        final MonitorSnapshot snapshot;
        final ArrayDeque<Object> after = new ArrayDeque<>();

        Segment(MonitorSnapshot snapshot) {
            this.snapshot = snapshot;
        }
    }

    /**
     * @param maxUpdates updates kept in all (3,000 is five minutes at 10 a second)
     * @param maxEvents  events kept in those updates, all together (the oldest updates go first)
     */
    public SessionRecorder(int maxUpdates, int maxEvents) {
        this(maxUpdates, maxEvents, MAX_TRAFFIC_CHARS);
    }

    /** As above, keeping at most {@code maxTrafficChars} characters of traffic. */
    public SessionRecorder(int maxUpdates, int maxEvents, long maxTrafficChars) {
        this.maxUpdates = maxUpdates;
        this.maxEvents = maxEvents;
        this.maxTrafficChars = maxTrafficChars;
    }

    /**
     * Starts keeping traffic afresh (what an earlier keeping held goes: a replay of both would hide
     * the gap between them).
     *
     * @param from    when the routers started recording, on their clock
     * @param sources the routers recorded
     * @param content {@code masked} or {@code kept}
     */
    public synchronized void keepTraffic(Instant from, List<String> sources, String content) {
        traffic = new ArrayDeque<>();
        trafficChars = 0;
        trafficFrom = from;
        trafficTo = null;
        trafficSources = List.copyOf(sources);
        trafficContent = content;
        trafficDropped = 0;
        trafficTrimmed = 0;
    }

    /** Holds the traffic a saved session kept, as it was (a session opened again is saved with it). */
    public void restoreTraffic(SessionTraffic kept) {
        keepTraffic(kept.from(), kept.sources(), kept.content());
        kept.entries().forEach(this::traffic);
        synchronized (this) {
            trafficFrom = kept.from();
            trafficDropped = kept.dropped();
            trafficTrimmed += kept.trimmed();
            trafficTo = kept.to();
        }
    }

    /** One of the routers' recording entries (with its {@code at}); ignored while traffic is not kept. */
    public void traffic(JsonNode entry) {
        long at;
        try {
            at = Instant.parse(entry.path("at").asText()).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            at = System.currentTimeMillis();
        }
        Kept kept = new Kept(at, entry.toString());
        synchronized (this) {
            if (traffic == null || trafficTo != null) {
                return;
            }
            traffic.addLast(kept);
            trafficChars += kept.json().length();
            while (trafficChars > maxTrafficChars && traffic.size() > 1) {
                trafficChars -= traffic.removeFirst().json().length();
                trafficTrimmed++;
                trafficFrom = Instant.ofEpochMilli(traffic.peekFirst().atMillis());
            }
        }
    }

    /** Entries the routers could not send since keeping started, in all. */
    public synchronized void trafficDropped(long dropped) {
        trafficDropped = dropped;
    }

    /** Keeping stopped at {@code to}: what is kept stays, and is saved with the session. */
    public synchronized void trafficStopped(Instant to) {
        if (traffic != null && trafficTo == null) {
            trafficTo = to;
        }
    }

    /**
     * The traffic kept, as a session saved now would hold it (while keeping goes on, up to now), or
     * null when none is kept. Reads every entry: call off the FX thread.
     */
    public SessionTraffic trafficNow() {
        List<Kept> kept;
        Instant from;
        Instant to;
        List<String> sources;
        String content;
        long dropped;
        long trimmed;
        synchronized (this) {
            if (traffic == null) {
                return null;
            }
            kept = List.copyOf(traffic);
            from = trafficFrom;
            to = trafficTo != null ? trafficTo : Instant.now();
            sources = trafficSources;
            content = trafficContent;
            dropped = trafficDropped;
            trimmed = trafficTrimmed;
        }
        List<JsonNode> entries = new ArrayList<>(kept.size());
        for (Kept entry : kept) {
            try {
                entries.add(Json.mapper().readTree(entry.json()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // written by Jackson a moment ago
            }
        }
        return new SessionTraffic(from, to, sources, content, dropped, trimmed, entries);
    }

    /** Forgets the traffic kept: a saved session then holds none. */
    public synchronized void forgetTraffic() {
        traffic = null;
        trafficChars = 0;
    }

    /** Traffic entries held now. */
    public synchronized int trafficEntries() {
        return traffic == null ? 0 : traffic.size();
    }

    @Override
    public synchronized void accept(MonitorFrame frame) {
        if (frame instanceof MonitorSnapshot snapshot) {
            segments.addLast(new Segment(snapshot));
        } else if (frame instanceof MonitorUpdate update) {
            last().after.addLast(update);
            updates++;
            events += update.events().size();
        }
        trim();
    }

    /** Records a change of the feed's state (a status that keeps the state, e.g. a countdown, is not one). */
    public synchronized void status(FeedStatus status) {
        if (status.state() == lastState) {
            return;
        }
        lastState = status.state();
        last().after.addLast(SessionMarker.of(status));
        markers++;
        trim();
    }

    private Segment last() {
        if (segments.isEmpty()) {
            segments.addLast(new Segment(null));
        }
        return segments.peekLast();
    }

    private void trim() {
        while (segments.size() > MAX_SNAPSHOTS) {
            segments.removeFirst().after.forEach(this::forget);
        }
        while (updates > maxUpdates || (events > maxEvents && updates > 1) || markers > MAX_MARKERS) {
            Segment first = segments.peekFirst();
            Object gone = first.after.pollFirst();
            if (gone != null) {
                forget(gone);
            }
            if (first.after.isEmpty() && segments.size() > 1) {
                segments.removeFirst();
            } else if (gone == null) {
                return;
            }
        }
    }

    /** Counts out an update or marker that is no longer held. */
    private void forget(Object gone) {
        if (gone instanceof MonitorUpdate update) {
            updates--;
            events -= update.events().size();
        } else if (gone instanceof SessionMarker) {
            markers--;
        }
    }

    /** What is held, in the order it came: {@link MonitorFrame}s and {@link SessionMarker}s. */
    public synchronized List<Object> documents() {
        List<Object> all = new ArrayList<>(updates + segments.size() * 2);
        for (Segment segment : segments) {
            if (segment.snapshot != null) {
                all.add(segment.snapshot);
            }
            all.addAll(segment.after);
        }
        return all;
    }

    /** Writes what is held as JSON lines, the traffic kept last; returns how many lines. */
    public int save(Path file) throws IOException {
        List<Object> documents = documents();
        List<String> trafficLines = trafficLines(Instant.now());
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Object document : documents) {
                out.write(Json.write(document));
                out.newLine();
            }
            for (String line : trafficLines) {
                out.write(line);
                out.newLine();
            }
        }
        return documents.size() + trafficLines.size();
    }

    /**
     * The traffic as {@value SessionTraffic#TYPE} lines of {@value #TRAFFIC_LINE} entries, each with
     * what the traffic is (a line without entries when none came): {@code to} is {@code now} while
     * keeping goes on.
     */
    private synchronized List<String> trafficLines(Instant now) {
        if (traffic == null) {
            return List.of();
        }
        com.fasterxml.jackson.databind.node.ObjectNode header = Json.mapper().createObjectNode()
                .put("type", SessionTraffic.TYPE).put("from", trafficFrom.toString())
                .put("to", (trafficTo != null ? trafficTo : now).toString()).put("content", trafficContent)
                .put("dropped", trafficDropped).put("trimmed", trafficTrimmed);
        trafficSources.forEach(header.putArray("sources")::add);
        String head = header.toString();
        String open = head.substring(0, head.length() - 1) + ",\"entries\":[";
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(open);
        int inLine = 0;
        for (Kept kept : traffic) {
            if (inLine == TRAFFIC_LINE) {
                lines.add(line.append("]}").toString());
                line = new StringBuilder(open);
                inLine = 0;
            }
            line.append(inLine == 0 ? "" : ",").append(kept.json());
            inLine++;
        }
        lines.add(line.append("]}").toString());
        return lines;
    }
}
