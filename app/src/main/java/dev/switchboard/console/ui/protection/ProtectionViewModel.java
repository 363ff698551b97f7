package dev.switchboard.console.ui.protection;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.ui.common.CommandOutcome;
import dev.switchboard.console.ui.common.TimeOfDay;
import dev.switchboard.router.monitor.wire.CommandReply;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.ProtectionState;
import dev.switchboard.router.monitor.wire.Stats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
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
     * @param name   the breaker ({@code handler:<type>}, {@code backend:<name>})
     * @param state  {@code closed}, {@code open}, {@code half_open}, {@code forced_open}, {@code forced_closed}
     * @param forced who forced it and until when ("by ann until 14:05:09"), or empty
     */
    public record BreakerRow(String name, String state, String forced) {
    }

    /** How long a forced breaker stays forced, as the view offers it; the router's default first. */
    public enum ForceFor {
        TEN_MINUTES("10 minutes", java.time.Duration.ofMinutes(10)),
        ONE_MINUTE("1 minute", java.time.Duration.ofMinutes(1)),
        ONE_HOUR("1 hour", java.time.Duration.ofHours(1));

        private final String text;
        private final java.time.Duration duration;

        ForceFor(String text, java.time.Duration duration) {
            this.text = text;
            this.duration = duration;
        }

        public java.time.Duration duration() {
            return duration;
        }

        @Override
        public String toString() {
            return text;
        }
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
     * @param fault       the fault an operator injected ("paused · +400 ms · 50% failing, by bo until
     *                    14:05:09"), else empty
     */
    public record BackendRow(String name, String kind, String url, String health, String breaker, long inFlight,
                             long runs, long failures, long p50Ms, long p95Ms, String lastFailure,
                             Instant lastFailureAt, String fault) {

        static BackendRow of(ProtectionState.Backend backend) {
            ProtectionState.Failure failure = backend.lastFailure();
            String failureText = failure == null ? "" : (failure.at() == null ? "" : TimeOfDay.format(failure.at()) + " ")
                    + failure.reason() + (failure.detail() == null ? "" : ": " + failure.detail());
            return new BackendRow(backend.name(), backend.kind() == null ? "simulated" : backend.kind(),
                    backend.url() == null ? "" : backend.url(), backend.healthy() ? "healthy" : "unhealthy",
                    backend.breaker(), backend.inFlight(), backend.runs(), backend.failures(), backend.p50LatencyMs(),
                    backend.p95LatencyMs(), failureText, failure == null ? null : failure.at(),
                    faultText(backend.fault()));
        }

        static String faultText(ProtectionState.Fault fault) {
            if (fault == null) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            if (fault.paused()) {
                parts.add("paused");
            }
            if (fault.latencyMs() > 0) {
                parts.add("+" + fault.latencyMs() + " ms");
            }
            if (fault.failureRate() > 0) {
                parts.add(Math.round(fault.failureRate() * 100) + "% failing");
            }
            return String.join(" · ", parts) + ", by " + fault.by() + " until "
                    + (fault.expiresAt() == null ? "?" : TimeOfDay.format(fault.expiresAt()));
        }
    }

    private static final ProtectionState.SlaWindow NO_WINDOW = new ProtectionState.SlaWindow(0, 0, 0);

    private final ConsoleFeed feed;
    private final CommandOutcome actionResult;
    private final ReadOnlyStringWrapper limits = new ReadOnlyStringWrapper(this, "limits", "");
    private final ReadOnlyStringWrapper queue = new ReadOnlyStringWrapper(this, "queue", "");
    private final ReadOnlyStringWrapper squeezed = new ReadOnlyStringWrapper(this, "squeezed", "");
    private final ReadOnlyStringWrapper rollout = new ReadOnlyStringWrapper(this, "rollout", "");
    private final ObservableList<BreakerRow> breakers = FXCollections.observableArrayList();
    private final ObservableList<BreakerRow> breakersView = FXCollections.unmodifiableObservableList(breakers);
    private final ObservableList<BackendRow> backends = FXCollections.observableArrayList();
    private final ObservableList<BackendRow> backendsView =
            FXCollections.unmodifiableObservableList(backends);

    /**
     * @param feed     where breaker commands go
     * @param uiThread runs the answer's display (the FX thread's {@code Platform::runLater}; a
     *                 test's {@code Runnable::run})
     */
    public ProtectionViewModel(ConsoleFeed feed, Executor uiThread) {
        this.feed = Objects.requireNonNull(feed, "feed must not be null");
        this.actionResult = new CommandOutcome(Objects.requireNonNull(uiThread, "uiThread must not be null"));
    }

    /**
     * Asks the router to force a breaker ({@code force_open}, {@code force_closed}, for
     * {@code forFor}) or put it back to normal ({@code reset}); the answer shows in
     * {@link #actionResultProperty()}, the new state with the next update's {@code protection}.
     */
    public void force(String breaker, String action, ForceFor forFor) {
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "breaker").put("name", breaker)
                .put("action", action);
        if (!action.equals("reset")) {
            command.put("for_ms", forFor.duration().toMillis());
        }
        send(command, reply -> describe(breaker, reply));
    }

    /**
     * Asks the router to inject a fault into a backend for {@code forFor}: paused, a latency before
     * each call, a share of calls failed. The answer shows in {@link #actionResultProperty()}.
     */
    public void injectFault(String backend, boolean paused, long latencyMs, int failurePercent, ForceFor forFor) {
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "backend_fault").put("name", backend)
                .put("action", "inject").put("paused", paused).put("latency_ms", latencyMs)
                .put("failure_rate", failurePercent / 100.0).put("for_ms", forFor.duration().toMillis());
        send(command, reply -> describeFault(backend, reply));
    }

    /** Asks the router to lift a backend's fault now. */
    public void liftFault(String backend) {
        send(JsonNodeFactory.instance.objectNode().put("type", "backend_fault").put("name", backend)
                .put("action", "reset"), reply -> describeFault(backend, reply));
    }

    /** A backend_fault command's answer in words. */
    static String describeFault(String backend, CommandReply reply) {
        if (reply.isError()) {
            return CommandOutcome.refusal(reply);
        }
        ProtectionState.Fault fault = reply.resultField("fault", ProtectionState.Fault.class);
        return fault == null ? backend + " back to normal" : backend + ": " + BackendRow.faultText(fault);
    }

    /** Sends {@code command}; its answer, in {@code words}, goes to {@link #actionResultProperty()}. */
    private void send(ObjectNode command, java.util.function.Function<CommandReply, String> words) {
        actionResult.show(feed.command(command), words);
    }

    /** A breaker command's answer in words. */
    static String describe(String breaker, CommandReply reply) {
        if (reply.isError()) {
            return CommandOutcome.refusal(reply);
        }
        String state = reply.resultText("state");
        String until = reply.resultText("expires_at");
        return breaker + " " + state.replace('_', ' ') + (until.isEmpty() ? "" : " until "
                + TimeOfDay.format(Instant.parse(until)));
    }

    /** The last breaker command's answer: "handler:ping forced open until 14:05:09", "refused: forbidden (…)". */
    public ReadOnlyStringProperty actionResultProperty() {
        return actionResult.textProperty();
    }

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
        squeezed.set(squeezedText(protection.squeezed()));
        if (protection.rollout() != null) {
            rollout.set(rolloutText(protection.rollout()));
        }
        List<BreakerRow> breakerRows = new ArrayList<>();
        protection.breakers().forEach((name, state) -> {
            ProtectionState.ForcedBreaker forced = protection.forced().get(name);
            breakerRows.add(new BreakerRow(name, state, forced == null ? "" : "by " + forced.by() + " until "
                    + (forced.expiresAt() == null ? "?" : TimeOfDay.format(forced.expiresAt()))));
        });
        if (!breakerRows.equals(breakers)) {
            breakers.setAll(breakerRows);
        }
        List<BackendRow> backendRows = protection.backends().stream().map(BackendRow::of).toList();
        if (!backendRows.equals(backends)) {
            backends.setAll(backendRows);
        }
    }

    /** "alice: queue 1 · outbox 1, by di until 14:05:09" per squeezed user, or "nobody". */
    static String squeezedText(java.util.Map<String, ProtectionState.Squeezed> squeezed) {
        if (squeezed.isEmpty()) {
            return "nobody";
        }
        List<String> users = new ArrayList<>();
        squeezed.forEach((user, squeeze) -> {
            List<String> parts = new ArrayList<>();
            if (squeeze.queuePerUser() != null) {
                parts.add("queue " + squeeze.queuePerUser());
            }
            if (squeeze.outboxFrames() != null) {
                parts.add("outbox " + squeeze.outboxFrames());
            }
            users.add(user + ": " + String.join(" · ", parts) + ", by " + squeeze.by() + " until "
                    + (squeeze.expiresAt() == null ? "?" : TimeOfDay.format(squeeze.expiresAt())));
        });
        return String.join("; ", users);
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

    /** The users an operator squeezed, with how much room and until when, or "nobody". */
    public ReadOnlyStringProperty squeezedProperty() {
        return squeezed.getReadOnlyProperty();
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
