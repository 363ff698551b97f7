package dev.switchboard.console.feed;

import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private final int maxUpdates;
    private final int maxEvents;
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private int updates;
    private int events;
    private int markers;
    private FeedStatus.State lastState;

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
        this.maxUpdates = maxUpdates;
        this.maxEvents = maxEvents;
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

    /** Writes what is held as JSON lines; returns how many lines. */
    public int save(Path file) throws IOException {
        List<Object> documents = documents();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Object document : documents) {
                out.write(Json.write(document));
                out.newLine();
            }
        }
        return documents.size();
    }
}
