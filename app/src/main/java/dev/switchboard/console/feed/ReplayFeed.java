package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A saved session (JSON lines from {@link SessionRecorder#save}), shown offline. Commands are
 * refused. Lines that hold no monitor frame are skipped.
 */
public final class ReplayFeed implements ConsoleFeed {
    private static final int BATCH = 100;
    private final Path file;
    private final List<MonitorFrame> frames;

    /** Reads the file into the monitor protocol's records. */
    public ReplayFeed(Path file) {
        this.file = file;
        List<MonitorFrame> read = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                MonitorFrame frame = line.isBlank() ? null : MonitorFrames.read(line);
                if (frame != null) {
                    read.add(frame);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        this.frames = read;
    }

    @Override
    public String source() {
        return "offline " + file.getFileName();
    }

    @Override
    public void start(Consumer<MonitorFrame> sink, Consumer<FeedStatus> status) {
        status.accept(FeedStatus.connectedNow(frames.size() + " documents from " + file));
        // the console buffers a few hundred frames between ticks: hand the updates over merged,
        // BATCH at a time (their events in order, the last aggregates)
        List<MonitorUpdate> updates = new ArrayList<>();
        for (MonitorFrame frame : frames) {
            if (frame instanceof MonitorUpdate update) {
                updates.add(update);
                if (updates.size() == BATCH) {
                    sink.accept(merge(updates));
                    updates.clear();
                }
            } else {
                sink.accept(frame);
            }
        }
        if (!updates.isEmpty()) {
            sink.accept(merge(updates));
        }
    }

    private static MonitorUpdate merge(List<MonitorUpdate> updates) {
        MonitorUpdate last = updates.get(updates.size() - 1);
        List<MonitorEvent> events = new ArrayList<>();
        long dropped = 0;
        for (MonitorUpdate update : updates) {
            events.addAll(update.events());
            dropped += update.dropped();
        }
        return new MonitorUpdate(last.seq(), last.serverTime(), last.stats(), last.protection(), events, dropped);
    }

    @Override
    public CompletionStage<ObjectNode> command(JsonNode command) {
        ObjectNode refusal = JsonNodeFactory.instance.objectNode().put("type", "error").put("code", "unavailable")
                .put("message", "a saved session cannot take commands");
        return CompletableFuture.completedFuture(refusal);
    }

    @Override
    public CompletionStage<UserEndpoint> userEndpoint(String userId) {
        return CompletableFuture.failedFuture(new IllegalStateException(injectionUnavailable()));
    }

    @Override
    public String injectionUnavailable() {
        return "a saved session has no router to send to";
    }

    @Override
    public void close() {
    }
}
