package dev.switchboard.console.ui.runs;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.state.NodeFilter;
import dev.switchboard.console.state.RunHistory;
import dev.switchboard.console.state.RunRow;
import dev.switchboard.console.state.TimelineEvent;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import java.util.List;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The agent-runs view's state: the runs (in flight and recent, flagged when they look wrong),
 * filtered by user and to flagged ones, the selected run's timeline, and how a timeline row reads
 * and where its bar goes. No scene graph.
 */
public final class RunsViewModel implements MonitorBatch.Listener {

    /**
     * Where a timeline row's bar goes in a lane: a point for an event, a span for a tool.
     *
     * @param start where it starts, from the lane's left
     * @param width how wide it is
     */
    public record Bar(double start, double width) {
    }

    private final RunHistory history;
    private final FilteredList<RunRow> filtered;
    private final StringProperty userFilter = new SimpleStringProperty(this, "userFilter", "");
    private final BooleanProperty flaggedOnly = new SimpleBooleanProperty(this, "flaggedOnly");
    private final NodeFilter nodeFilter = new NodeFilter();
    private final ObjectProperty<RunRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<ObservableList<TimelineEvent>> timeline =
            new ReadOnlyObjectWrapper<>(this, "timeline");
    private final ReadOnlyStringWrapper countedNote = new ReadOnlyStringWrapper(this, "countedNote", "");
    private long runsCounted;
    /** How the selected run began ({@link RunRow#startPathProperty()}), empty when none is selected. */
    private final ReadOnlyStringWrapper selectedStart = new ReadOnlyStringWrapper(this, "selectedStart", "");
    private final ReadOnlyStringWrapper selectedSummary = new ReadOnlyStringWrapper(this, "selectedSummary",
            "select a run");

    public RunsViewModel(ConsoleState.Limits limits) {
        this.history = new RunHistory(limits.runs(), limits.stuckAfterMs());
        this.filtered = new FilteredList<>(history.runs());
        userFilter.addListener((observable, before, text) -> refilter());
        flaggedOnly.addListener((observable, before, on) -> refilter());
        nodeFilter.selectedProperty().addListener((observable, before, node) -> refilter());
        selected.addListener((observable, before, run) -> {
            timeline.set(run == null ? null : run.timeline());
            selectedStart.unbind();
            if (run != null) {
                selectedStart.bind(run.startPathProperty());
            } else {
                selectedStart.set("");
            }
            selectedSummary.set(run == null ? "select a run"
                    : run.runId() + " · " + run.userIdProperty().get() + " · " + run.statusProperty().get());
        });
    }

    @Override
    public void apply(MonitorBatch batch) {
        nodeFilter.apply(batch);
        history.apply(batch);
        long counted = 0;
        for (MonitorFrame frame : batch.frames()) {
            if (frame instanceof MonitorUpdate update) {
                for (MonitorEvent event : update.events()) {
                    if (event instanceof MonitorEvent.Coalesced coalesced) {
                        counted += coalesced.byType().getOrDefault("run_started", 0L);
                    }
                }
            }
        }
        if (counted > 0) {
            runsCounted += counted;
            countedNote.set(String.format(java.util.Locale.ROOT, "%,d runs counted, not listed (the router's limit per"
                    + " update)", runsCounted));
        }
    }

    /** Says how many runs the router counted without listing them (empty while it listed every one). */
    public ReadOnlyStringProperty countedNoteProperty() {
        return countedNote.getReadOnlyProperty();
    }

    private void refilter() {
        String user = userFilter.get() == null ? "" : userFilter.get().trim();
        boolean flagged = flaggedOnly.get();
        filtered.setPredicate(run -> (!flagged || !run.flagsProperty().get().isEmpty())
                && (user.isEmpty() || run.userIdProperty().get().contains(user))
                && nodeFilter.accepts(run.nodeIdProperty().get()));
    }

    /** A timeline row's text: seq, type, offset, and the tool (with its duration) or the final status. */
    public static String describe(TimelineEvent event) {
        return String.format("%2d %-16s %5d ms %s", event.seq(), event.type(), event.offsetMs(), what(event));
    }

    /** The tool, the final status (with why, unless completed), or a retry on agent_started. */
    private static String what(TimelineEvent event) {
        if (event.tool() != null) {
            return event.tool() + (event.type().equals("tool_completed") ? " (" + event.durationMs() + " ms)" : "");
        }
        if (event.status() != null) {
            return event.status() + (!event.status().equals("completed") && event.detail() != null
                    ? " · " + event.detail() : "");
        }
        return event.type().equals("agent_started") && event.detail() != null ? event.detail() : "";
    }

    /**
     * Where {@code event}'s bar goes in a lane {@code laneWidth} wide that spans the whole run
     * ({@code runEvents}' last offset), so the scale follows the run's length.
     */
    public static Bar bar(TimelineEvent event, List<TimelineEvent> runEvents, double laneWidth) {
        double total = Math.max(1, runEvents.isEmpty() ? 1 : runEvents.get(runEvents.size() - 1).offsetMs());
        double scale = laneWidth / total;
        boolean span = event.type().equals("tool_completed");
        double width = span ? Math.max(4, event.durationMs() * scale) : 4;
        double start = span ? Math.max(0, (event.offsetMs() - event.durationMs()) * scale)
                : Math.min(laneWidth - 4, event.offsetMs() * scale);
        return new Bar(start, width);
    }

    /** A mark of the timeline's time axis: {@code x} pixels into the lane, labelled with its offset. */
    public record Tick(double x, String label) {
    }

    /**
     * The time axis above a run's lanes: marks at a round step (1, 2 or 5 × a power of ten ms, at
     * most five steps over the run), placed with the same scale as {@link #bar}.
     */
    public static List<Tick> axisTicks(List<TimelineEvent> runEvents, double laneWidth) {
        long total = Math.max(1, runEvents.isEmpty() ? 1 : runEvents.get(runEvents.size() - 1).offsetMs());
        long step = 1;
        for (long power = 1; total / step > 5; power *= 10) {
            for (long mantissa : new long[] {1, 2, 5}) {
                step = mantissa * power;
                if (total / step <= 5) {
                    break;
                }
            }
        }
        double scale = laneWidth / total;
        List<Tick> ticks = new java.util.ArrayList<>();
        for (long at = 0; at <= total; at += step) {
            ticks.add(new Tick(at * scale, at + " ms"));
        }
        return ticks;
    }

    /** Every run kept, newest first. */
    public ObservableList<RunRow> runs() {
        return history.runs();
    }

    /** The runs the filters let through, newest first. */
    public ObservableList<RunRow> shown() {
        return filtered;
    }

    /** Part of a user id; empty shows everyone. */
    public StringProperty userFilterProperty() {
        return userFilter;
    }

    /** The cluster node whose runs are shown. */
    public NodeFilter nodeFilter() {
        return nodeFilter;
    }

    /** Whether only runs that look wrong are shown. */
    public BooleanProperty flaggedOnlyProperty() {
        return flaggedOnly;
    }

    /** The run the user looks at, or null. */
    public ObjectProperty<RunRow> selectedProperty() {
        return selected;
    }

    /** The selected run's events in arrival order, or null when none is selected. */
    public ReadOnlyObjectProperty<ObservableList<TimelineEvent>> timelineProperty() {
        return timeline.getReadOnlyProperty();
    }

    /** How the selected run began: its message, {@code message_ack} and {@code agent_started} times. */
    public ReadOnlyStringProperty selectedStartProperty() {
        return selectedStart.getReadOnlyProperty();
    }

    /** "run · user · status", or "select a run". */
    public ReadOnlyStringProperty selectedSummaryProperty() {
        return selectedSummary.getReadOnlyProperty();
    }
}
