package dev.switchboard.console.state;

import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** One agent run as the console shows it, with its event timeline and what looks wrong with it. */
public final class RunRow {
    private final String runId;
    private final ReadOnlyStringWrapper userId = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper threadId = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper backend = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper nodeId = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("running");
    private final ReadOnlyLongWrapper durationMs = new ReadOnlyLongWrapper();
    private final ReadOnlyStringWrapper flags = new ReadOnlyStringWrapper("");
    private final ObservableList<TimelineEvent> timeline = FXCollections.observableArrayList();
    private long startedAtMillis = -1;
    private long lastEventMillis;

    RunRow(String runId) {
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }

    public ReadOnlyStringProperty userIdProperty() {
        return userId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty threadIdProperty() {
        return threadId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty backendProperty() {
        return backend.getReadOnlyProperty();
    }

    /** The cluster node that owns the run; empty for a router alone. */
    public ReadOnlyStringProperty nodeIdProperty() {
        return nodeId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty durationMsProperty() {
        return durationMs.getReadOnlyProperty();
    }

    /** Empty when the run looks right; else "missing: …", "out of order", "stuck". */
    public ReadOnlyStringProperty flagsProperty() {
        return flags.getReadOnlyProperty();
    }

    /** The run's events in arrival order. */
    public ObservableList<TimelineEvent> timeline() {
        return timeline;
    }

    void ownedBy(String node) {
        if (node != null && !node.isEmpty()) {
            nodeId.set(node);
        }
    }

    void describe(String user, String thread, String backendName) {
        if (user != null && !user.isEmpty()) {
            userId.set(user);
        }
        if (thread != null && !thread.isEmpty()) {
            threadId.set(thread);
        }
        if (backendName != null && !backendName.isEmpty()) {
            backend.set(backendName);
        }
    }

    /**
     * @param atMillis       the event's own timestamp (for offsets)
     * @param receivedMillis when the console received it (for stuck detection, on the console's clock)
     */
    void event(TimelineEvent event, long atMillis, long receivedMillis) {
        if (startedAtMillis < 0) {
            startedAtMillis = atMillis;
        }
        lastEventMillis = receivedMillis;
        timeline.add(event);
        if (event.type().equals("agent_completed")) {
            status.set(event.status());
        }
        durationMs.set(Math.max(durationMs.get(), atMillis - startedAtMillis));
        flags.set(RunChecks.flags(timeline, status.get(), false));
    }

    void ended(String finalStatus, long duration) {
        status.set(finalStatus);
        durationMs.set(duration);
        flags.set(RunChecks.flags(timeline, finalStatus, false));
    }

    long startedAtMillis() {
        return startedAtMillis;
    }

    /** Re-checks a running run for being stuck (no event for {@code stuckAfterMs}). */
    void checkStuck(long nowMillis, long stuckAfterMs) {
        if (status.get().equals("running") && !timeline.isEmpty() && nowMillis - lastEventMillis > stuckAfterMs) {
            flags.set(RunChecks.flags(timeline, "running", true));
        }
    }
}
