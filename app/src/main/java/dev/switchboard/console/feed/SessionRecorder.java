package dev.switchboard.console.feed;

import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * Keeps what the console holds, to save it: every snapshot the feed sent (one per connection:
 * after a router restart or an outage the feed sends a new one) with the updates after each, and
 * where the feed was lost and came back ({@link SessionMarker}s) — the incident across reconnects,
 * not only what came after the latest snapshot. Bounded: at most {@code maxUpdates} updates holding
 * at most {@code maxEvents} events in all, {@value #MAX_SNAPSHOTS} snapshots and {@value #MAX_MARKERS}
 * markers; the oldest go first, and a snapshot goes when what came after it has gone and a later
 * snapshot stands in for it. Saved as JSON lines in the order they
 * came, and replayed by {@link ReplayFeed}. Thread-safe: feed threads record, the FX thread saves.
 *
 * <p>Updates are held as the JSON line a save writes, compressed, not as records: an update's
 * records are ~370 objects of ~11.5 KB (nine maps of its aggregates, its events), so five minutes
 * of them at 10 a second were a third of the console's live set, and each full collection walked
 * them all. Compressed, an update is one array; it is read back only when the session is saved.
 */
public final class SessionRecorder implements Consumer<MonitorFrame> {
    /** Snapshots kept: a router behind a proxy that drops idle connections sends one per reconnect. */
    static final int MAX_SNAPSHOTS = 20;
    /** Markers kept (a feed flapping for hours writes two a reconnect). */
    static final int MAX_MARKERS = 1_000;
    /** Characters of traffic kept by default: measured, 47,239 entries of a chat load in about 21 MB of heap. */
    public static final long MAX_TRAFFIC_CHARS = 16_000_000;

    private final int maxUpdates;
    private final int maxEvents;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private int updates;
    private int events;
    private int markers;
    private FeedStatus.State lastState;
    private final long maxTrafficChars;
    /** The traffic being kept or last kept, or null. */
    private TrafficRing traffic;
    /** What was kept before {@link #traffic} started, until it is confirmed (a failed start gives it back). */
    private TrafficRing previous;
    /** The traffic of the saved session this one replays, read when first asked for; or null. */
    private java.util.function.Supplier<SessionTraffic> restored;

    /** Compresses the updates held (on the feed's thread, under this recorder's lock). */
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);

    /** An update as the JSON line it is saved as, compressed, and how many events it holds. */
    private record HeldUpdate(byte[] deflated, int events) {
        String line() {
            try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(deflated))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read back an update the console compressed", e);
            }
        }

        MonitorFrame read() {
            try {
                return Json.mapper().readValue(line(), MonitorFrame.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read back an update the console wrote", e);
            }
        }
    }

    private HeldUpdate hold(MonitorUpdate update) {
        ByteArrayOutputStream deflated = new ByteArrayOutputStream(1_024);
        deflater.reset();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated, deflater)) {
            out.write(Json.write(update).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compress an update in memory", e); // not thrown by a byte array
        }
        return new HeldUpdate(deflated.toByteArray(), update.events().size());
    }

    /**
     * A snapshot (null for anything recorded before the first one) and what came after it:
     * {@link HeldUpdate}s and {@link SessionMarker}s.
     */
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
     * Starts keeping traffic afresh: what an earlier keeping held is set aside (a replay of both would
     * hide the gap between them), and goes once {@link #confirmTraffic} says the new keeping runs;
     * {@link #abandonTraffic} gives it back.
     *
     * @param consoleFrom when, on the console's clock (the routers' says it more exactly: {@link TrafficRing#clock})
     * @param sources     the routers to be recorded
     * @param content     {@code masked} or {@code kept}
     * @return where the entries go
     */
    public synchronized TrafficRing keepTraffic(Instant consoleFrom, List<String> sources, String content) {
        if (traffic != null) {
            traffic.stop(consoleFrom);
            previous = traffic;
        }
        traffic = new TrafficRing(maxTrafficChars, consoleFrom, sources, content);
        return traffic;
    }

    /** The keeping of {@code ring} runs: what was kept before it goes. */
    public synchronized void confirmTraffic(TrafficRing ring) {
        if (traffic == ring) {
            previous = null;
        }
    }

    /** The keeping of {@code ring} could not start: what was kept before comes back. */
    public synchronized void abandonTraffic(TrafficRing ring) {
        if (traffic == ring) {
            traffic = previous;
            previous = null;
        }
    }

    /**
     * Holds the traffic of the saved session this one replays (read only when saved or asked for),
     * so that the session, saved again, keeps it.
     */
    public synchronized void restoreTraffic(java.util.function.Supplier<SessionTraffic> saved) {
        restored = saved;
    }

    /**
     * The traffic kept, as a session saved now would hold it (while keeping goes on, up to now): the
     * traffic being kept, else the saved session's, else null.
     */
    public SessionTraffic trafficNow() {
        TrafficRing ring;
        java.util.function.Supplier<SessionTraffic> saved;
        synchronized (this) {
            ring = traffic;
            saved = restored;
        }
        return ring != null ? ring.snapshot(Instant.now()) : saved != null ? saved.get() : null;
    }

    /** Traffic entries held now. */
    public int trafficEntries() {
        TrafficRing ring;
        synchronized (this) {
            ring = traffic;
        }
        return ring == null ? 0 : ring.size();
    }

    @Override
    public synchronized void accept(MonitorFrame frame) {
        if (frame instanceof MonitorSnapshot snapshot) {
            segments.addLast(new Segment(snapshot));
        } else if (frame instanceof MonitorUpdate update) {
            HeldUpdate held = hold(update);
            last().after.addLast(held);
            updates++;
            events += held.events();
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
        if (gone instanceof HeldUpdate update) {
            updates--;
            events -= update.events();
        } else if (gone instanceof SessionMarker) {
            markers--;
        }
    }

    /** Changes of the feed's state held now ({@link SessionMarker}s). */
    public synchronized int markers() {
        return markers;
    }

    /**
     * What is held, in the order it came: {@link MonitorFrame}s and {@link SessionMarker}s (each
     * update read back from its JSON).
     */
    public List<Object> documents() {
        return held().stream().map(held -> held instanceof HeldUpdate update ? update.read() : held).toList();
    }

    /** What is held, in the order it came: snapshots, {@link HeldUpdate}s and markers. */
    private synchronized List<Object> held() {
        List<Object> all = new ArrayList<>(updates + markers + segments.size());
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
        List<Object> documents = held();
        SessionTraffic kept = trafficNow();
        List<String> trafficLines = kept == null ? List.of() : kept.lines();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Object document : documents) { // one update at a time read back, not all at once
                out.write(document instanceof HeldUpdate update ? update.line() : Json.write(document));
                out.newLine();
            }
            for (String line : trafficLines) {
                out.write(line);
                out.newLine();
            }
        }
        return documents.size() + trafficLines.size();
    }
}
