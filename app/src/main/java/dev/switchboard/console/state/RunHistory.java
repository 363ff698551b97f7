package dev.switchboard.console.state;

import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.console.feed.NodeFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.RunSummary;
import dev.switchboard.router.time.InstantText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The runs the console knows, newest first and bounded, each with its event timeline and what
 * looks wrong with it (missing events, out of order, stuck). Fed batch by batch; runs first seen
 * in a batch are added with one change.
 */
public final class RunHistory implements MonitorBatch.Listener {
    private static final MonitorEvent.RunEventData NO_DATA =
            new MonitorEvent.RunEventData(null, null, null, null, null, null, null, null, null, null, null, null);

    private final int limit;
    private final long stuckAfterMs;
    private final ObservableList<RunRow> runs = FXCollections.observableArrayList();
    private final ObservableList<RunRow> runsView = FXCollections.unmodifiableObservableList(runs);
    private final Map<String, RunRow> runsById = new HashMap<>();
    /** Runs still running: the only ones that can be stuck. */
    private final Set<RunRow> running = new LinkedHashSet<>();
    /** Runs first seen in the batch being applied: added to the list in one go at its end. */
    private final List<RunRow> newRuns = new ArrayList<>();

    /**
     * @param limit        runs kept (the oldest go)
     * @param stuckAfterMs a running run without an event for this long is flagged stuck
     */
    public RunHistory(int limit, long stuckAfterMs) {
        this.limit = limit;
        this.stuckAfterMs = stuckAfterMs;
    }

    /** The runs, newest first. */
    public ObservableList<RunRow> runs() {
        return runsView;
    }

    @Override
    public void apply(MonitorBatch batch) {
        for (NodeFrame tagged : batch.nodeFrames()) {
            String node = tagged.nodeId();
            if (tagged.frame() instanceof MonitorSnapshot snapshot) {
                snapshot.recentRuns().forEach(run -> applyRunInfo(run, node));
                snapshot.runsInFlight().forEach(run -> applyRunInfo(run, node));
                publishNewRuns();
            } else if (tagged.frame() instanceof MonitorUpdate update) {
                for (MonitorEvent event : update.events()) {
                    if (event instanceof MonitorEvent.RunEvent runEvent) {
                        applyRunEvent(runEvent, node, batch.nowMillis());
                    } else if (event instanceof MonitorEvent.RunStarted started) {
                        applyRunInfo(started.run(), node);
                    } else if (event instanceof MonitorEvent.RunEnded ended) {
                        applyRunInfo(ended.run(), node);
                    }
                }
                publishNewRuns();
            }
        }
        running.removeIf(run -> !run.statusProperty().get().equals("running") || !runsById.containsKey(run.runId()));
        running.forEach(run -> run.checkStuck(batch.nowMillis(), stuckAfterMs));
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
        if (!newRuns.isEmpty()) {
            List<RunRow> newestFirst = new ArrayList<>(newRuns);
            Collections.reverse(newestFirst);
            runs.addAll(0, newestFirst);
            newRuns.clear();
        }
        while (runs.size() > limit) {
            RunRow oldest = runs.remove(runs.size() - 1);
            runsById.remove(oldest.runId());
        }
    }

    /** What a timeline line says besides type and tool: the thought, the result, why it failed, a retry. */
    static String detail(MonitorEvent.RunEventData data) {
        if (data.thought() != null) {
            return data.thought();
        }
        if (data.retriedFrom() != null) {
            return "on " + data.backend() + ", retried from " + data.retriedFrom();
        }
        if (data.reason() != null) {
            return data.reason() + (data.error() != null ? ": " + data.error() : "");
        }
        return data.result() != null ? data.result() : data.error();
    }

    private void applyRunEvent(MonitorEvent.RunEvent event, String node, long receivedMillis) {
        RunRow row = run(event.runId());
        row.ownedBy(node);
        MonitorEvent.RunEventData data = event.data() != null ? event.data() : NO_DATA;
        row.describe(event.userId(), event.threadId(), data.backend());
        Instant stamp = event.timestamp() != null ? InstantText.parse(event.timestamp()) : event.at();
        long at = stamp != null ? stamp.toEpochMilli() : receivedMillis;
        long offset = row.startedAtMillis() < 0 ? 0 : at - row.startedAtMillis();
        String detail = detail(data);
        if ("agent_started".equals(event.type()) && stamp != null) {
            row.agentStarted(stamp);
        }
        row.event(new TimelineEvent(event.type() == null ? "" : event.type(), event.seq(), offset, data.tool(),
                data.durationMs() == null ? 0 : data.durationMs(), data.status(), detail), at, receivedMillis);
    }

    private void applyRunInfo(RunSummary info, String node) {
        if (info == null || info.runId() == null) {
            return;
        }
        RunRow known = runsById.get(info.runId());
        if (known != null && !known.statusProperty().get().equals("running")) {
            return; // ended and shown already: a refreshed snapshot repeats it unchanged
        }
        RunRow row = run(info.runId());
        row.ownedBy(node);
        row.describe(info.userId(), info.threadId(), info.backend());
        row.requested(info.queuedMs(), info.startedAt());
        String runStatus = info.status() == null ? "running" : info.status().wire();
        if (!runStatus.equals("running")) {
            row.ended(runStatus, info.durationMs());
        }
    }
}
