package dev.switchboard.console.ui.protection;

import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.ui.common.TimeOfDay;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.ProtectionState;
import dev.switchboard.router.monitor.wire.Stats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The protection view's state, from the freshest frame of each batch: rate limits and refusals,
 * queue depth and policy, the rollout and its SLA windows as text; breakers and backends as rows.
 * No scene graph.
 */
public final class ProtectionViewModel implements MonitorBatch.Listener {

    /**
     * One circuit breaker.
     *
     * @param name  the breaker ({@code handler:<type>}, {@code backend:<name>})
     * @param state {@code closed}, {@code open}, {@code half_open} …
     */
    public record BreakerRow(String name, String state) {
    }

    /**
     * One agent backend as the table shows it.
     *
     * @param name        the backend
     * @param kind        {@code simulated} or {@code http}
     * @param url         an http backend's URL (no user info, no query), else empty
     * @param health      {@code healthy} or {@code unhealthy}
     * @param breaker     its breaker's state
     * @param inFlight    runs it serves now
     * @param runs        runs it served
     * @param failures    runs that failed on it
     * @param p50Ms       median run time over its recent runs
     * @param p95Ms       95th percentile run time over its recent runs
     * @param lastFailure the last failure's reason and detail with its local time, else empty
     * @param lastFailureAt when, for a tooltip with the full time, or null
     */
    public record BackendRow(String name, String kind, String url, String health, String breaker, long inFlight,
                             long runs, long failures, long p50Ms, long p95Ms, String lastFailure,
                             Instant lastFailureAt) {

        static BackendRow of(ProtectionState.Backend backend) {
            ProtectionState.Failure failure = backend.lastFailure();
            String failureText = failure == null ? "" : (failure.at() == null ? "" : TimeOfDay.format(failure.at()) + " ")
                    + failure.reason() + (failure.detail() == null ? "" : ": " + failure.detail());
            return new BackendRow(backend.name(), backend.kind() == null ? "simulated" : backend.kind(),
                    backend.url() == null ? "" : backend.url(), backend.healthy() ? "healthy" : "unhealthy",
                    backend.breaker(), backend.inFlight(), backend.runs(), backend.failures(), backend.p50LatencyMs(),
                    backend.p95LatencyMs(), failureText, failure == null ? null : failure.at());
        }
    }

    private static final ProtectionState.SlaWindow NO_WINDOW = new ProtectionState.SlaWindow(0, 0, 0);

    private final ReadOnlyStringWrapper limits = new ReadOnlyStringWrapper(this, "limits", "");
    private final ReadOnlyStringWrapper queue = new ReadOnlyStringWrapper(this, "queue", "");
    private final ReadOnlyStringWrapper rollout = new ReadOnlyStringWrapper(this, "rollout", "");
    private final ObservableList<BreakerRow> breakers = FXCollections.observableArrayList();
    private final ObservableList<BreakerRow> breakersView = FXCollections.unmodifiableObservableList(breakers);
    private final ObservableList<BackendRow> backends = FXCollections.observableArrayList();
    private final ObservableList<BackendRow> backendsView =
            FXCollections.unmodifiableObservableList(backends);

    @Override
    public void apply(MonitorBatch batch) {
        MonitorFrame latest = batch.latest();
        if (latest == null || latest.protection() == null) {
            return;
        }
        ProtectionState protection = latest.protection();
        Stats stats = latest.stats() != null ? latest.stats() : Stats.none();
        ProtectionState.RateLimits rateLimits = protection.rateLimits();
        if (rateLimits != null) {
            limits.set(String.format("user %s · connection %s · liveness %s · %d overrides · %d refused",
                    bucket(rateLimits.user()), bucket(rateLimits.connection()), bucket(rateLimits.liveness()),
                    rateLimits.overrides().size(), stats.rateLimited()));
        }
        queue.set(queueText(stats, protection.queue()));
        if (protection.rollout() != null) {
            rollout.set(rolloutText(protection.rollout()));
        }
        List<BreakerRow> breakerRows = new ArrayList<>();
        protection.breakers().forEach((name, state) -> breakerRows.add(new BreakerRow(name, state)));
        if (!breakerRows.equals(breakers)) {
            breakers.setAll(breakerRows);
        }
        List<BackendRow> backendRows = protection.backends().stream().map(BackendRow::of).toList();
        if (!backendRows.equals(backends)) {
            backends.setAll(backendRows);
        }
    }

    static String queueText(Stats stats, ProtectionState.Queue policy) {
        StringBuilder text = new StringBuilder();
        stats.queueDepth().forEach((priority, waiting) -> text.append(priority).append(' ').append(waiting)
                .append("  "));
        return text + "(capacity " + (policy == null ? 0 : policy.capacity()) + ", per user "
                + (policy == null ? 0 : policy.perUser()) + ")";
    }

    static String rolloutText(ProtectionState.Rollout r) {
        ProtectionState.SlaWindow candidate = r.candidateWindow() != null ? r.candidateWindow() : NO_WINDOW;
        ProtectionState.SlaWindow stable = r.stableWindow() != null ? r.stableWindow() : NO_WINDOW;
        return r.mode() + (r.candidate() != null ? " · candidate " + r.candidate() + " · " + r.percent() + "%" : "")
                + " · candidate p95 " + candidate.p95Ms() + " ms, success " + candidate.successRate() + " over "
                + candidate.samples() + " · stable p95 " + stable.p95Ms() + " ms"
                + (r.rollbackReason() != null ? " · rolled back: " + r.rollbackReason() : "");
    }

    private static String bucket(ProtectionState.Limit limit) {
        return limit == null ? "?" : limit.perMinute() + "/min burst " + limit.burst();
    }

    /** "user 100/min burst 20 · connection … · 0 overrides · 3 refused". */
    public ReadOnlyStringProperty limitsProperty() {
        return limits.getReadOnlyProperty();
    }

    /** Depth per priority, then capacity and per-user room. */
    public ReadOnlyStringProperty queueProperty() {
        return queue.getReadOnlyProperty();
    }

    /** Mode, candidate and percentage, the SLA windows, and a rollback's reason. */
    public ReadOnlyStringProperty rolloutProperty() {
        return rollout.getReadOnlyProperty();
    }

    public ObservableList<BreakerRow> breakers() {
        return breakersView;
    }

    public ObservableList<BackendRow> backends() {
        return backendsView;
    }
}
