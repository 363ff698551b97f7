package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A saved session (JSON lines from {@link SessionRecorder#save}), shown offline. Commands are refused. */
public final class ReplayFeed implements ConsoleFeed {
    private static final int BATCH = 100;
    private final Path file;
    private final List<ObjectNode> documents;

    /** Reads the file; every line must be a monitor document. */
    public ReplayFeed(Path file) {
        this.file = file;
        ObjectMapper mapper = Json.mapper();
        List<ObjectNode> read = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    read.add((ObjectNode) mapper.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        this.documents = read;
    }

    @Override
    public String source() {
        return "offline " + file.getFileName();
    }

    @Override
    public void start(Consumer<ObjectNode> sink, Consumer<FeedStatus> status) {
        status.accept(new FeedStatus(FeedStatus.State.CONNECTED, Instant.now(),
                documents.size() + " documents from " + file));
        // the console buffers a few hundred documents between ticks: hand the updates over merged,
        // BATCH at a time (their events in order, the last aggregates)
        List<ObjectNode> updates = new ArrayList<>();
        for (ObjectNode document : documents) {
            if (document.path("type").asText().equals("monitor_update")) {
                updates.add(document);
                if (updates.size() == BATCH) {
                    sink.accept(merge(updates));
                    updates.clear();
                }
            } else {
                sink.accept(document);
            }
        }
        if (!updates.isEmpty()) {
            sink.accept(merge(updates));
        }
    }

    private static ObjectNode merge(List<ObjectNode> updates) {
        ObjectNode merged = updates.get(updates.size() - 1).deepCopy();
        ArrayNode events = JsonNodeFactory.instance.arrayNode();
        long dropped = 0;
        for (ObjectNode update : updates) {
            update.path("events").forEach(events::add);
            dropped += update.path("dropped").asLong();
        }
        merged.set("events", events);
        merged.put("dropped", dropped);
        return merged;
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
