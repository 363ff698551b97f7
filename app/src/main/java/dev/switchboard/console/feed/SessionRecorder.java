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
 * Keeps what the console holds, to save it: the latest snapshot and the updates since (the last
 * {@code maxUpdates} of them, holding at most {@code maxEvents} events). Saved as JSON lines, snapshot
 * first, the frames written as the router sends them, and replayed by {@link ReplayFeed}.
 */
public final class SessionRecorder implements Consumer<MonitorFrame> {
    private final int maxUpdates;
    private final int maxEvents;
    private final ArrayDeque<MonitorUpdate> updates = new ArrayDeque<>();
    private MonitorSnapshot snapshot;
    private int events;

    /**
     * @param maxUpdates updates kept after the snapshot (3,000 is five minutes at 10 a second)
     * @param maxEvents  events kept in those updates, all together (the oldest updates go first)
     */
    public SessionRecorder(int maxUpdates, int maxEvents) {
        this.maxUpdates = maxUpdates;
        this.maxEvents = maxEvents;
    }

    @Override
    public synchronized void accept(MonitorFrame frame) {
        if (frame instanceof MonitorSnapshot first) {
            snapshot = first;
            updates.clear();
            events = 0;
        } else if (frame instanceof MonitorUpdate update) {
            updates.addLast(update);
            events += update.events().size();
            while (updates.size() > maxUpdates || (events > maxEvents && updates.size() > 1)) {
                events -= updates.removeFirst().events().size();
            }
        }
    }

    /** The frames held, snapshot first. */
    public synchronized List<MonitorFrame> documents() {
        List<MonitorFrame> all = new ArrayList<>(updates.size() + 1);
        if (snapshot != null) {
            all.add(snapshot);
        }
        all.addAll(updates);
        return all;
    }

    /** Writes the frames held as JSON lines; returns how many lines. */
    public int save(Path file) throws IOException {
        List<MonitorFrame> documents = documents();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (MonitorFrame document : documents) {
                out.write(Json.write(document));
                out.newLine();
            }
        }
        return documents.size();
    }
}
