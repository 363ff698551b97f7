package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * {@code maxUpdates} of them, holding at most {@code maxEvents} events). Saved as JSON lines, snapshot first, and replayed by
 * {@link ReplayFeed}.
 */
public final class SessionRecorder implements Consumer<ObjectNode> {
    private final int maxUpdates;
    private final int maxEvents;
    private final ArrayDeque<ObjectNode> updates = new ArrayDeque<>();
    private ObjectNode snapshot;
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
    public synchronized void accept(ObjectNode document) {
        String type = document.path("type").asText();
        if (type.equals("monitor_snapshot")) {
            snapshot = document;
            updates.clear();
            events = 0;
        } else if (type.equals("monitor_update")) {
            updates.addLast(document);
            events += document.path("events").size();
            while (updates.size() > maxUpdates || (events > maxEvents && updates.size() > 1)) {
                events -= updates.removeFirst().path("events").size();
            }
        }
    }

    /** The documents held, snapshot first. */
    public synchronized List<ObjectNode> documents() {
        List<ObjectNode> all = new ArrayList<>(updates.size() + 1);
        if (snapshot != null) {
            all.add(snapshot);
        }
        all.addAll(updates);
        return all;
    }

    /** Writes the documents held as JSON lines; returns how many lines. */
    public int save(Path file) throws IOException {
        List<ObjectNode> documents = documents();
        ObjectMapper mapper = Json.mapper();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ObjectNode document : documents) {
                out.write(mapper.writeValueAsString(document));
                out.newLine();
            }
        }
        return documents.size();
    }
}
