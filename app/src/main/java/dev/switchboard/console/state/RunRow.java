package dev.switchboard.console.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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
    private final ReadOnlyStringWrapper startPath = new ReadOnlyStringWrapper("");
    private long startedAtMillis = -1;
    private long lastEventMillis;
    private double queuedMs = Double.NaN;
    private Instant runStartedAt;
    private Instant agentStartedAt;

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

    /**
     * How the run began, in words: from the user's message to {@code message_ack} (the router's
     * queue and handler) and on to {@code agent_started} (the backend's start); empty until known.
     */
    public ReadOnlyStringProperty startPathProperty() {
        return startPath.getReadOnlyProperty();
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

    /**
     * @param queued    from the message's arrival to the run's start, in ms, or null when the router does not say
     * @param startedAt when the run started (its {@code message_ack}), or null
     */
    void requested(Double queued, Instant startedAt) {
        if (queued != null) {
            queuedMs = queued;
        }
        if (startedAt != null) {
            runStartedAt = startedAt;
        }
        startPath.set(startPath(queuedMs, runStartedAt, agentStartedAt));
    }

    /** The run's {@code agent_started} carried this timestamp. */
    void agentStarted(Instant at) {
        agentStartedAt = at;
        startPath.set(startPath(queuedMs, runStartedAt, agentStartedAt));
    }

    /**
     * "user_message → message_ack 0.42 ms (router queue and handler) → agent_started 1.30 ms later
     * (backend start)", with what is known of it.
     *
     * @param queuedMs NaN when unknown
     */
    static String startPath(double queuedMs, Instant runStartedAt, Instant agentStartedAt) {
        StringBuilder text = new StringBuilder();
        if (!Double.isNaN(queuedMs)) {
            text.append(String.format(Locale.ROOT, "user_message → message_ack %.2f ms (router queue and handler)",
                    queuedMs));
        }
        if (runStartedAt != null && agentStartedAt != null) {
            double backendMs = Math.max(0, Duration.between(runStartedAt, agentStartedAt).toNanos() / 1e6);
            text.append(text.length() == 0 ? "message_ack" : "").append(String.format(Locale.ROOT,
                    " → agent_started %.2f ms later (backend start)", backendMs));
        }
        return text.toString();
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
