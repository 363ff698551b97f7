package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A saved session (JSON lines from {@link SessionRecorder#save}), shown offline: its monitor frames
 * and the feed's {@link SessionMarker}s, in the order they came. Commands are refused. Lines that
 * hold neither are skipped.
 *
 * <p>The console plays it at its own times ({@link #steps()}, through a
 * {@code dev.switchboard.console.state.Replay}), so that the overview's chart has a point a second and
 * an outage shows as a gap where it was; {@link #start} hands everything over at once, for a
 * consumer without a clock.
 */
public final class ReplayFeed implements ConsoleFeed {
    private static final int BATCH = 100;
    private final Path file;
    private final List<Object> documents;
    private final List<MonitorFrame> frames;
    private final long firstMillis;
    private final long lastMillis;
    /** The session's traffic lines as they are in the file, parsed when first asked for. */
    private final List<String> trafficLines;
    private SessionTraffic traffic;
    private boolean trafficRead;

    /**
     * One moment of the session: the feed's state changing ({@code status}, no frames), or the frames
     * the router sent within one second from {@code atMillis}.
     */
    public record Step(long atMillis, List<MonitorFrame> frames, FeedStatus status) {
    }

    /** Reads the file into the monitor protocol's records and the console's markers. */
    public ReplayFeed(Path file) {
        this.file = file;
        List<Object> read = new ArrayList<>();
        List<String> trafficLines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("{\"type\":\"" + SessionTraffic.TYPE + "\"")) {
                    trafficLines.add(line);
                    continue;
                }
                Object document = line.isBlank() ? null : document(line);
                if (document != null) {
                    read.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        this.documents = read;
        this.trafficLines = List.copyOf(trafficLines);
        this.frames = read.stream().filter(MonitorFrame.class::isInstance).map(MonitorFrame.class::cast).toList();
        // from the lines that have a time (a frame from a router that sent none has 0)
        long[] times = read.stream().mapToLong(ReplayFeed::millis).filter(at -> at > 0).toArray();
        this.firstMillis = times.length == 0 ? System.currentTimeMillis() : times[0];
        this.lastMillis = times.length == 0 ? firstMillis : Math.max(firstMillis, times[times.length - 1]);
    }

    /** Whether the session kept traffic (without reading it). */
    public boolean hasTraffic() {
        return !trafficLines.isEmpty();
    }

    /**
     * The traffic the session kept ("Keep traffic in the session"), or null when it kept none (or
     * none of its traffic lines can be read). Read when first asked for, a line at a time: call off
     * the FX thread.
     */
    public synchronized SessionTraffic traffic() {
        if (!trafficRead) {
            traffic = readTraffic(trafficLines);
            trafficRead = true;
        }
        return traffic;
    }

    /** The traffic lines as one {@link SessionTraffic} (what it is, from the first line that says it), or null. */
    private static SessionTraffic readTraffic(List<String> lines) {
        JsonNode first = null;
        List<String> entries = new ArrayList<>();
        for (String text : lines) {
            JsonNode line;
            try {
                line = Json.mapper().readTree(text);
            } catch (IOException e) {
                continue; // a line cut short (a disk full while saving): the others still count
            }
            if (first == null) {
                first = line;
            }
            line.path("entries").forEach(entry -> entries.add(entry.toString()));
        }
        if (first == null) {
            return null;
        }
        try {
            List<String> sources = new ArrayList<>();
            first.path("sources").forEach(source -> sources.add(source.asText()));
            return new SessionTraffic(Instant.parse(first.path("from").asText()), Instant.parse(first.path("to")
                    .asText()), sources, first.path("content").asText("masked"), first.path("dropped").asLong(),
                    first.path("trimmed").asLong(), entries);
        } catch (java.time.format.DateTimeParseException e) {
            return null; // not a console's traffic line
        }
    }

    private static Object document(String line) {
        MonitorFrame frame = MonitorFrames.read(line);
        if (frame != null) {
            return frame;
        }
        try {
            JsonNode node = Json.mapper().readTree(line);
            return node.path("type").asText().equals(SessionMarker.TYPE)
                    ? Json.mapper().treeToValue(node, SessionMarker.class) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static long millis(Object document) {
        Instant at = document instanceof MonitorFrame frame ? frame.serverTime() : ((SessionMarker) document).at();
        return at == null ? 0 : at.toEpochMilli();
    }

    /** The session as the console plays it, in order: a step per second of frames, and one per marker. */
    public List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        List<MonitorFrame> second = new ArrayList<>();
        long secondStart = 0;
        long previous = firstMillis();
        for (Object document : documents) {
            // in the order they came, whatever the clocks say: a frame without a time (a router that
            // did not send one), a marker stamped by the console's clock a little behind the
            // router's, a cluster node's clock behind another's, each belongs where it came
            long at = Math.max(previous, millis(document));
            previous = at;
            if (document instanceof SessionMarker marker) {
                if (!second.isEmpty()) {
                    steps.add(new Step(secondStart, List.copyOf(second), null));
                    second.clear();
                }
                steps.add(new Step(at, List.of(), marker.status()));
                continue;
            }
            if (!second.isEmpty() && (at - secondStart >= 1000 || at < secondStart || document instanceof MonitorSnapshot)) {
                steps.add(new Step(secondStart, List.copyOf(second), null));
                second.clear();
            }
            if (second.isEmpty()) {
                secondStart = at;
            }
            second.add((MonitorFrame) document);
        }
        if (!second.isEmpty()) {
            steps.add(new Step(secondStart, List.copyOf(second), null));
        }
        return steps;
    }

    /** When the session begins, epoch milliseconds (its first timed line's time; when it was read for a file without one). */
    public long firstMillis() {
        return firstMillis;
    }

    /** When the session ends, epoch milliseconds (its last timed line's time). */
    public long lastMillis() {
        return lastMillis;
    }

    /** The status once everything is shown: offline, with what the file holds. */
    public FeedStatus offlineStatus() {
        return offlineStatus(lastMillis());
    }

    /** The status once everything up to {@code atMillis} is shown: offline, with what the file holds. */
    public FeedStatus offlineStatus(long atMillis) {
        String span = documents.isEmpty() ? "empty" : TIME.format(Instant.ofEpochMilli(millis(documents.get(0))))
                + "–" + TIME.format(Instant.ofEpochMilli(millis(documents.get(documents.size() - 1))));
        // an outage is the feed leaving "connected" (reconnecting, then lost, is still one)
        long outages = 0;
        boolean connected = true;
        for (Object document : documents) {
            if (document instanceof SessionMarker marker) {
                boolean now = marker.feed().equals("connected");
                outages += connected && !now ? 1 : 0;
                connected = now;
            }
        }
        return new FeedStatus(FeedStatus.State.OFFLINE, Instant.ofEpochMilli(atMillis), frames.size()
                + " frames from " + file.getFileName() + ", " + span
                + (outages == 0 ? "" : ", " + outages + (outages == 1 ? " outage" : " outages")));
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public String source() {
        return "offline " + file.getFileName();
    }

    @Override
    public void start(Consumer<MonitorFrame> sink, Consumer<FeedStatus> status) {
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
        status.accept(offlineStatus());
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
    public RecordingSource recordingSource() {
        return new RecordingSource.Unavailable("a saved session has no router to record");
    }

    @Override
    public String injectionUnavailable() {
        return "a saved session has no router to send to";
    }

    @Override
    public void close() {
    }
}
