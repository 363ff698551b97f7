package dev.switchboard.console.state;

import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.router.monitor.wire.ConnectionSummary;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.ProtectionState;
import dev.switchboard.router.monitor.wire.RunSummary;
import dev.switchboard.router.monitor.wire.Stats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The one seam between the feed and the UI. Feed threads only {@link #offer} frames, already read
 * into the monitor protocol's records, into a bounded buffer; {@link #applyPending()}, called by one fixed-rate tick on the FX thread (at most
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
    private final ArrayBlockingQueue<MonitorFrame> inbox = new ArrayBlockingQueue<>(256);
    private final AtomicLong droppedDocuments = new AtomicLong();
    private final AtomicReference<FeedStatus> pendingStatus = new AtomicReference<>();
    private final long startedAt;
    private volatile LongConsumer applyNanos = nanos -> { };

    private final ReadOnlyObjectWrapper<Stats> stats = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<ProtectionState> protection = new ReadOnlyObjectWrapper<>();
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

    /** Called on a feed thread: keeps the frame for the next tick (the oldest go when full). */
    public void offer(MonitorFrame frame) {
        while (!inbox.offer(frame)) {
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
        List<MonitorFrame> batch = new ArrayList<>(inbox.size());
        inbox.drainTo(batch);
        for (MonitorFrame frame : batch) {
            if (frame instanceof MonitorSnapshot snapshot) {
                applySnapshot(snapshot);
            } else if (frame instanceof MonitorUpdate update) {
                applyUpdate(update);
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

    private void applySnapshot(MonitorSnapshot snapshot) {
        applyAggregates(snapshot);
        List<ConnectionRow> rows = new ArrayList<>();
        snapshot.connections().forEach(connection -> rows.add(connectionRow(connection)));
        if (!rows.equals(connections)) {
            connections.setAll(rows);
        }
        snapshot.recentRuns().forEach(this::applyRunInfo);
        snapshot.runsInFlight().forEach(this::applyRunInfo);
        publishNewRuns();
        if (errors.isEmpty()) {
            List<ErrorRow> recent = new ArrayList<>();
            snapshot.recentErrors().forEach(error -> recent.add(0, errorRow(error)));
            errors.setAll(recent.subList(0, Math.min(recent.size(), limits.errors())));
        }
    }

    private void applyUpdate(MonitorUpdate update) {
        updatesSeen++;
        applyAggregates(update);
        List<ErrorRow> newErrors = new ArrayList<>();
        List<LogRow> lines = new ArrayList<>();
        List<ConnectionRow> opened = new ArrayList<>();
        java.util.Set<String> closed = new java.util.HashSet<>();
        for (MonitorEvent event : update.events()) {
            LogRow line = logRow(event);
            if (line != null) {
                lines.add(line);
            }
            if (event instanceof MonitorEvent.ConnectionOpened open) {
                opened.add(connectionRow(open.connection()));
            } else if (event instanceof MonitorEvent.ConnectionClosed close && close.connection() != null) {
                String id = close.connection().connectionId();
                if (!opened.removeIf(row -> row.connectionId().equals(id))) {
                    closed.add(id);
                }
            } else if (event instanceof MonitorEvent.RunEvent runEvent) {
                applyRunEvent(runEvent);
            } else if (event instanceof MonitorEvent.RunStarted started) {
                applyRunInfo(started.run());
            } else if (event instanceof MonitorEvent.RunEnded ended) {
                applyRunInfo(ended.run());
            } else if (event instanceof MonitorEvent.ErrorSent error) {
                newErrors.add(0, errorRow(error));
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

    private void applyAggregates(MonitorFrame frame) {
        Stats newStats = frame.stats() != null ? frame.stats() : Stats.none();
        stats.set(newStats);
        protection.set(frame.protection());
        long now = clock.getAsLong();
        boolean sampleDue = lastSampleAt < 0 || now - lastSampleAt >= 1000;
        if (sampleDue) {
            samples.add(new Sample((now - startedAt) / 1000.0, newStats.messagesPerSecond(),
                    newStats.latencyMs("p99"), newStats.runsInFlight()));
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
    private void applyTypes(Stats newStats, boolean sampleDue, long elapsedMs) {
        Map<String, Double> previousRates = new HashMap<>();
        types.forEach(row -> previousRates.put(row.type(), row.rate()));
        List<TypeRow> rows = new ArrayList<>();
        for (Map.Entry<String, Long> entry : newStats.byType().entrySet()) {
            long count = entry.getValue() == null ? 0 : entry.getValue();
            double rate = previousRates.getOrDefault(entry.getKey(), 0.0);
            if (sampleDue) {
                long before = lastTypeCounts.getOrDefault(entry.getKey(), count);
                lastTypeCounts.put(entry.getKey(), count);
                rate = elapsedMs <= 0 ? 0 : Math.round((count - before) * 10_000.0 / elapsedMs) / 10.0;
            }
            Long typeErrors = newStats.errorsByType().get(entry.getKey());
            rows.add(new TypeRow(entry.getKey(), count, rate, typeErrors == null ? 0 : typeErrors));
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

    private void applyRunEvent(MonitorEvent.RunEvent event) {
        RunRow row = run(event.runId());
        MonitorEvent.RunEventData data = event.data() != null ? event.data()
                : new MonitorEvent.RunEventData(null, null, null, null, null, null, null, null, null, null);
        row.describe(orEmpty(event.userId()), orEmpty(event.threadId()), data.backend());
        long at = event.timestamp() != null ? Instant.parse(event.timestamp()).toEpochMilli()
                : event.at() != null ? event.at().toEpochMilli() : 0;
        long offset = row.startedAtMillis() < 0 ? 0 : at - row.startedAtMillis();
        String detail = data.thought() != null ? data.thought() : data.result() != null ? data.result() : data.error();
        row.event(new TimelineEvent(orEmpty(event.type()), event.seq(), offset, data.tool(),
                data.durationMs() == null ? 0 : data.durationMs(), data.status(), detail), at, clock.getAsLong());
    }

    private void applyRunInfo(RunSummary info) {
        if (info == null) {
            return;
        }
        RunRow known = runsById.get(info.runId());
        if (known != null && !known.statusProperty().get().equals("running")) {
            return; // ended and shown already: a refreshed snapshot repeats it unchanged
        }
        RunRow row = run(info.runId());
        row.describe(orEmpty(info.userId()), orEmpty(info.threadId()), info.backend());
        String runStatus = info.status() == null ? "" : info.status().wire();
        if (!runStatus.equals("running")) {
            row.ended(runStatus, info.durationMs());
        }
    }

    private void trimRuns() {
        while (runs.size() > limits.runs()) {
            RunRow oldest = runs.remove(runs.size() - 1);
            runsById.remove(oldest.runId());
        }
    }

    private static LogRow logRow(MonitorEvent event) {
        String at = event.at() == null ? "" : event.at().toString();
        if (event instanceof MonitorEvent.MessageIn message) {
            return new LogRow(at, "in", orEmpty(message.userId()), orEmpty(message.type()),
                    message.priority() + "/" + message.label()
                            + (message.messageId() != null ? " " + message.messageId() : ""));
        }
        if (event instanceof MonitorEvent.RunEvent runEvent) {
            return new LogRow(at, "out", orEmpty(runEvent.userId()), orEmpty(runEvent.type()),
                    runEvent.runId() + " #" + runEvent.seq());
        }
        if (event instanceof MonitorEvent.UserEvent userEvent) {
            return new LogRow(at, "out", orEmpty(userEvent.userId()), orEmpty(userEvent.type()), "");
        }
        if (event instanceof MonitorEvent.ErrorSent error) {
            return new LogRow(at, "out", orEmpty(error.userId()), "error", error.code() + " for " + error.type());
        }
        return null;
    }

    private static ConnectionRow connectionRow(ConnectionSummary connection) {
        return new ConnectionRow(orEmpty(connection.connectionId()), orEmpty(connection.userId()),
                orEmpty(connection.remoteAddress()), orEmpty(connection.threadId()), time(connection.connectedAt()),
                time(connection.lastActivity()), connection.messagesIn(), connection.messagesOut());
    }

    private static ErrorRow errorRow(MonitorEvent.ErrorSent error) {
        return new ErrorRow(time(error.at()), orEmpty(error.userId()), orEmpty(error.connectionId()),
                orEmpty(error.type()), orEmpty(error.code()), orEmpty(error.message()), error);
    }

    private static String time(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    /** The latest aggregates; null before the first frame. */
    public ReadOnlyObjectProperty<Stats> statsProperty() {
        return stats.getReadOnlyProperty();
    }

    /** The latest protection state; null before the first frame (or in a frame without it). */
    public ReadOnlyObjectProperty<ProtectionState> protectionProperty() {
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

    /** Frames dropped because the UI fell behind by more than 256 of them. */
    public long droppedDocuments() {
        return droppedDocuments.get();
    }
}
