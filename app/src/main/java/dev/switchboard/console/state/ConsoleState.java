package dev.switchboard.console.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.FeedStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The one seam between the feed and the UI. Feed threads only {@link #offer} documents into a
 * bounded buffer; {@link #applyPending()}, called by one fixed-rate tick on the FX thread (at most
 * 10 Hz), drains it and applies everything to the view models in one batch. Lists are bounded.
 * Uses JavaFX properties and collections only (no scene graph), so it is tested without a window.
 */
public final class ConsoleState {
    /** Limits of what the console keeps. */
    public record Limits(int runs, int errors, int samples, long stuckAfterMs, int logLines) {
        /** 2,000 runs, 1,000 errors, 10 minutes of one sample a second, stuck after 10 s, 5,000 log lines. */
        public static Limits defaults() {
            return new Limits(2_000, 1_000, 600, 10_000, 5_000);
        }
    }

    private final Limits limits;
    private final LongSupplier clock;
    private final ArrayBlockingQueue<ObjectNode> inbox = new ArrayBlockingQueue<>(256);
    private final AtomicLong droppedDocuments = new AtomicLong();
    private final AtomicReference<FeedStatus> pendingStatus = new AtomicReference<>();
    private final long startedAt;
    private volatile LongConsumer applyNanos = nanos -> { };

    private final ReadOnlyObjectWrapper<JsonNode> stats = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<JsonNode> protection = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<FeedStatus> status = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyDoubleWrapper updatesPerSecond = new ReadOnlyDoubleWrapper();
    private final ObservableList<Sample> samples = FXCollections.observableArrayList();
    private final ObservableList<Sample> samplesView = FXCollections.unmodifiableObservableList(samples);
    private final ObservableList<ConnectionRow> connections = FXCollections.observableArrayList();
    private final ObservableList<ConnectionRow> connectionsView = FXCollections.unmodifiableObservableList(connections);
    private final ObservableList<RunRow> runs = FXCollections.observableArrayList();
    private final ObservableList<RunRow> runsView = FXCollections.unmodifiableObservableList(runs);
    private final ObservableList<ErrorRow> errors = FXCollections.observableArrayList();
    private final ObservableList<ErrorRow> errorsView = FXCollections.unmodifiableObservableList(errors);
    private final ObservableList<TypeRow> types = FXCollections.observableArrayList();
    private final ObservableList<TypeRow> typesView = FXCollections.unmodifiableObservableList(types);
    private final ObservableList<LogRow> log = FXCollections.observableArrayList();
    private final ObservableList<LogRow> logView = FXCollections.unmodifiableObservableList(log);
    private final Map<String, RunRow> runsById = new HashMap<>();
    /** Runs still running: the only ones that can be stuck. */
    private final java.util.Set<RunRow> running = new java.util.LinkedHashSet<>();
    /** Runs first seen in the batch being applied: added to the list in one go at its end. */
    private final List<RunRow> newRuns = new ArrayList<>();
    private final Map<String, Long> lastTypeCounts = new HashMap<>();
    private long lastSampleAt = -1;
    private long updatesSeen;
    private long rateWindowStart;

    public ConsoleState(Limits limits, LongSupplier clockMillis) {
        this.limits = limits;
        this.clock = clockMillis;
        this.startedAt = clockMillis.getAsLong();
        this.rateWindowStart = startedAt;
    }

    /** Called on a feed thread: keeps the document for the next tick (the oldest go when full). */
    public void offer(ObjectNode document) {
        while (!inbox.offer(document)) {
            if (inbox.poll() != null) {
                droppedDocuments.incrementAndGet();
            }
        }
    }

    /** Called on a feed thread: the latest status wins. */
    public void offerStatus(FeedStatus feedStatus) {
        pendingStatus.set(feedStatus);
    }

    /** Receives how long each {@link #applyPending()} took (for the load check). */
    public void onApply(LongConsumer timer) {
        this.applyNanos = Objects.requireNonNull(timer, "timer must not be null");
    }

    /** Applies everything offered since the last call, in one batch. Call on the FX thread. */
    public void applyPending() {
        long began = System.nanoTime();
        apply();
        applyNanos.accept(System.nanoTime() - began);
    }

    private void apply() {
        FeedStatus nextStatus = pendingStatus.getAndSet(null);
        if (nextStatus != null) {
            status.set(nextStatus);
        }
        List<ObjectNode> batch = new ArrayList<>(inbox.size());
        inbox.drainTo(batch);
        for (ObjectNode document : batch) {
            String type = document.path("type").asText();
            if (type.equals("monitor_snapshot")) {
                applySnapshot(document);
            } else if (type.equals("monitor_update")) {
                applyUpdate(document);
            } else if (type.equals("command_result") && document.path("result").path("type").asText()
                    .equals("monitor_snapshot")) {
                applySnapshot((ObjectNode) document.path("result"));
            }
        }
        long now = clock.getAsLong();
        running.removeIf(run -> !run.statusProperty().get().equals("running") || !runsById.containsKey(run.runId()));
        running.forEach(run -> run.checkStuck(now, limits.stuckAfterMs()));
        if (now - rateWindowStart >= 1000) {
            updatesPerSecond.set(Math.round(updatesSeen * 10_000.0 / (now - rateWindowStart)) / 10.0);
            updatesSeen = 0;
            rateWindowStart = now;
        }
    }

    private void applySnapshot(ObjectNode snapshot) {
        applyAggregates(snapshot);
        List<ConnectionRow> rows = new ArrayList<>();
        snapshot.path("connections").forEach(connection -> rows.add(connectionRow(connection)));
        if (!rows.equals(connections)) {
            connections.setAll(rows);
        }
        snapshot.path("recent_runs").forEach(this::applyRunInfo);
        snapshot.path("runs_in_flight").forEach(this::applyRunInfo);
        publishNewRuns();
        if (errors.isEmpty()) {
            List<ErrorRow> recent = new ArrayList<>();
            snapshot.path("recent_errors").forEach(error -> recent.add(0, errorRow(error)));
            errors.setAll(recent.subList(0, Math.min(recent.size(), limits.errors())));
        }
    }

    private void applyUpdate(ObjectNode update) {
        updatesSeen++;
        applyAggregates(update);
        List<ErrorRow> newErrors = new ArrayList<>();
        List<LogRow> lines = new ArrayList<>();
        List<ConnectionRow> opened = new ArrayList<>();
        java.util.Set<String> closed = new java.util.HashSet<>();
        for (JsonNode event : update.path("events")) {
            LogRow line = logRow(event);
            if (line != null) {
                lines.add(line);
            }
            switch (event.path("kind").asText()) {
                case "connection_opened" -> opened.add(connectionRow(event.path("connection")));
                case "connection_closed" -> {
                    String id = event.path("connection").path("connection_id").asText();
                    if (!opened.removeIf(row -> row.connectionId().equals(id))) {
                        closed.add(id);
                    }
                }
                case "run_event" -> applyRunEvent(event);
                case "run_started", "run_ended" -> applyRunInfo(event.path("run"));
                case "error" -> newErrors.add(0, errorRow(event));
                default -> { }
            }
        }
        // one change per list per batch: a view listening to a list rebuilds once, not once per event
        if (!closed.isEmpty()) {
            List<ConnectionRow> gone = new ArrayList<>();
            connections.forEach(row -> {
                if (closed.contains(row.connectionId())) {
                    gone.add(row);
                }
            });
            connections.removeAll(gone);
        }
        if (!opened.isEmpty()) {
            connections.addAll(opened);
        }
        publishNewRuns();
        if (!lines.isEmpty()) {
            List<LogRow> kept = lines.size() > limits.logLines() ? lines.subList(lines.size() - limits.logLines(), lines.size()) : lines;
            log.addAll(kept);
            if (log.size() > limits.logLines()) {
                log.remove(0, log.size() - limits.logLines());
            }
        }
        if (!newErrors.isEmpty()) {
            errors.addAll(0, newErrors);
            if (errors.size() > limits.errors()) {
                errors.remove(limits.errors(), errors.size());
            }
        }
        trimRuns();
    }

    private void applyAggregates(JsonNode document) {
        JsonNode newStats = document.path("stats");
        stats.set(newStats);
        protection.set(document.path("protection"));
        long now = clock.getAsLong();
        boolean sampleDue = lastSampleAt < 0 || now - lastSampleAt >= 1000;
        if (sampleDue) {
            samples.add(new Sample((now - startedAt) / 1000.0, newStats.path("messages_per_second").asDouble(),
                    newStats.path("routing_latency_ms").path("p99").asDouble(),
                    newStats.path("runs_in_flight").asInt()));
            if (samples.size() > limits.samples()) {
                samples.remove(0, samples.size() - limits.samples());
            }
        }
        applyTypes(newStats, sampleDue, lastSampleAt < 0 ? 0 : now - lastSampleAt);
        if (sampleDue) {
            lastSampleAt = now;
        }
    }

    /** Counts on every update; rates over the last whole second (when a sample is due). */
    private void applyTypes(JsonNode newStats, boolean sampleDue, long elapsedMs) {
        Map<String, Double> previousRates = new HashMap<>();
        types.forEach(row -> previousRates.put(row.type(), row.rate()));
        List<TypeRow> rows = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = newStats.path("by_type").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            long count = entry.getValue().asLong();
            double rate = previousRates.getOrDefault(entry.getKey(), 0.0);
            if (sampleDue) {
                long before = lastTypeCounts.getOrDefault(entry.getKey(), count);
                lastTypeCounts.put(entry.getKey(), count);
                rate = elapsedMs <= 0 ? 0 : Math.round((count - before) * 10_000.0 / elapsedMs) / 10.0;
            }
            rows.add(new TypeRow(entry.getKey(), count, rate, newStats.path("errors_by_type").path(entry.getKey()).asLong()));
        }
        if (!rows.equals(types)) {
            types.setAll(rows);
        }
    }

    private RunRow run(String runId) {
        RunRow row = runsById.get(runId);
        if (row == null) {
            row = new RunRow(runId);
            runsById.put(runId, row);
            newRuns.add(row);
            running.add(row);
        }
        return row;
    }

    /** Adds the runs first seen in this batch, newest first, with one change. */
    private void publishNewRuns() {
        if (newRuns.isEmpty()) {
            return;
        }
        List<RunRow> newestFirst = new ArrayList<>(newRuns);
        java.util.Collections.reverse(newestFirst);
        runs.addAll(0, newestFirst);
        newRuns.clear();
        trimRuns();
    }

    private void applyRunEvent(JsonNode event) {
        RunRow row = run(event.path("run_id").asText());
        row.describe(event.path("user_id").asText(), event.path("thread_id").asText(),
                event.path("data").path("backend").asText(null));
        long at = Instant.parse(event.path("timestamp").asText(event.path("at").asText())).toEpochMilli();
        JsonNode data = event.path("data");
        long offset = row.startedAtMillis() < 0 ? 0 : at - row.startedAtMillis();
        String detail = data.has("thought") ? data.path("thought").asText()
                : data.has("result") ? data.path("result").asText() : data.path("error").asText(null);
        row.event(new TimelineEvent(event.path("type").asText(), event.path("seq").asInt(), offset,
                data.path("tool").asText(null), data.path("duration_ms").asLong(), data.path("status").asText(null),
                detail), at, clock.getAsLong());
    }

    private void applyRunInfo(JsonNode info) {
        if (info.isMissingNode()) {
            return;
        }
        RunRow known = runsById.get(info.path("run_id").asText());
        if (known != null && !known.statusProperty().get().equals("running")) {
            return; // ended and shown already: a refreshed snapshot repeats it unchanged
        }
        RunRow row = run(info.path("run_id").asText());
        row.describe(info.path("user_id").asText(), info.path("thread_id").asText(), info.path("backend").asText(null));
        String runStatus = info.path("status").asText();
        if (!runStatus.equals("running")) {
            row.ended(runStatus, info.path("duration_ms").asLong());
        }
    }

    private void trimRuns() {
        while (runs.size() > limits.runs()) {
            RunRow oldest = runs.remove(runs.size() - 1);
            runsById.remove(oldest.runId());
        }
    }

    private static LogRow logRow(JsonNode event) {
        String kind = event.path("kind").asText();
        String at = event.path("at").asText();
        String user = event.path("user_id").asText("");
        switch (kind) {
            case "message":
                return new LogRow(at, "in", user, event.path("type").asText(),
                        event.path("priority").asText() + "/" + event.path("label").asText()
                                + (event.hasNonNull("message_id") ? " " + event.path("message_id").asText() : ""));
            case "run_event":
                return new LogRow(at, "out", user, event.path("type").asText(),
                        event.path("run_id").asText() + " #" + event.path("seq").asInt());
            case "event":
                return new LogRow(at, "out", user, event.path("type").asText(), "");
            case "error":
                return new LogRow(at, "out", user, "error", event.path("code").asText() + " for "
                        + event.path("type").asText());
            default:
                return null;
        }
    }

    private static ConnectionRow connectionRow(JsonNode connection) {
        return new ConnectionRow(connection.path("connection_id").asText(), connection.path("user_id").asText(),
                connection.path("remote_address").asText(), connection.path("thread_id").asText(""),
                connection.path("connected_at").asText(), connection.path("last_activity").asText(),
                connection.path("messages_in").asLong(), connection.path("messages_out").asLong());
    }

    private static ErrorRow errorRow(JsonNode error) {
        return new ErrorRow(error.path("at").asText(), error.path("user_id").asText(),
                error.path("connection_id").asText(), error.path("type").asText(), error.path("code").asText(),
                error.path("message").asText(), error.toPrettyString());
    }

    public ReadOnlyObjectProperty<JsonNode> statsProperty() {
        return stats.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<JsonNode> protectionProperty() {
        return protection.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<FeedStatus> statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Feed updates applied per second (the status bar's "update rate"). */
    public ReadOnlyDoubleProperty updatesPerSecondProperty() {
        return updatesPerSecond.getReadOnlyProperty();
    }

    public ObservableList<Sample> samples() {
        return samplesView;
    }

    public ObservableList<ConnectionRow> connections() {
        return connectionsView;
    }

    public ObservableList<RunRow> runs() {
        return runsView;
    }

    /** The live log: messages in and events out, oldest first, bounded. */
    public ObservableList<LogRow> log() {
        return logView;
    }

    public ObservableList<ErrorRow> errors() {
        return errorsView;
    }

    public ObservableList<TypeRow> types() {
        return typesView;
    }

    /** Documents dropped because the UI fell behind by more than 256 of them. */
    public long droppedDocuments() {
        return droppedDocuments.get();
    }
}
