package dev.switchboard.router.quality;

import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.agents.RunEventSink;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.time.InstantText;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-user quality figures (runs, completion rate, duration, validation failures) and quality
 * alerts for users who subscribed. A user's figures live while the user has a connection open and
 * are dropped with the last one, so the map is bounded by the users online.
 */
public final class QualityTracker implements RunListener {
    private final Map<String, UserQuality> byUser = new ConcurrentHashMap<>();
    private final RunEventSink alerts;
    private final Clock clock;

    public QualityTracker(RunEventSink alerts, Clock clock) {
        this.alerts = Objects.requireNonNull(alerts, "alerts must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    private static final class UserQuality {
        final LongAdder started = new LongAdder();
        final LongAdder completed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder cancelled = new LongAdder();
        final LongAdder durationMs = new LongAdder();
        final LongAdder validations = new LongAdder();
        final LongAdder validationFailures = new LongAdder();
        volatile boolean subscribed;
    }

    private UserQuality of(String userId) {
        return byUser.computeIfAbsent(userId, user -> new UserQuality());
    }

    @Override
    public void started(RunInfo run) {
        of(run.userId()).started.increment();
    }

    @Override
    public void ended(RunInfo run) {
        UserQuality quality = byUser.get(run.userId());
        if (quality == null) {
            return;
        }
        switch (run.status()) {
            case COMPLETED -> quality.completed.increment();
            case FAILED -> quality.failed.increment();
            case CANCELLED -> quality.cancelled.increment();
            default -> { }
        }
        if (run.status() != RunStatus.RUNNING) {
            quality.durationMs.add(run.durationMs());
        }
        if (run.status() == RunStatus.FAILED) {
            alert(run.userId(), quality, "run_failed", Map.of("run_id", run.runId(),
                    "error", run.error() == null ? "failed" : run.error()));
        }
    }

    /** Records a validation verdict; a failed one raises an alert for subscribers. */
    public void validated(String userId, ContentValidator.Result result) {
        UserQuality quality = of(userId);
        quality.validations.increment();
        if (!result.valid()) {
            quality.validationFailures.increment();
            List<String> codes = new ArrayList<>();
            result.issues().forEach(issue -> codes.add(issue.code()));
            alert(userId, quality, "validation_failed", Map.of("score", result.score(), "issues", codes));
        }
    }

    /** Subscribes the user to {@code quality_alert} events. */
    public void subscribe(String userId) {
        of(userId).subscribed = true;
    }

    /** Forgets a user (their last connection closed). */
    public void forget(String userId) {
        byUser.remove(userId);
    }

    private void alert(String userId, UserQuality quality, String alert, Map<String, Object> details) {
        if (!quality.subscribed) {
            return;
        }
        ServerEvent.Builder event = ServerEvent.builder(EventType.QUALITY_ALERT)
                .put("alert", alert)
                .put("timestamp", InstantText.of(clock.instant()));
        details.forEach(event::put);
        alerts.emit(userId, event.build());
    }

    /** The user's figures, as sent in {@code quality_metrics}. */
    public Map<String, Object> metrics(String userId) {
        UserQuality quality = of(userId);
        long completed = quality.completed.sum();
        long failed = quality.failed.sum();
        long cancelled = quality.cancelled.sum();
        long ended = completed + failed + cancelled;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("runs", quality.started.sum());
        figures.put("runs_completed", completed);
        figures.put("runs_failed", failed);
        figures.put("runs_cancelled", cancelled);
        figures.put("completion_rate", ended == 0 ? 0.0 : round((double) completed / ended));
        figures.put("mean_duration_ms", ended == 0 ? 0.0 : round((double) quality.durationMs.sum() / ended));
        figures.put("validations", quality.validations.sum());
        figures.put("validation_failures", quality.validationFailures.sum());
        return figures;
    }

    /** The user's report, as sent in {@code quality_report}: figures plus what to look at. */
    public Map<String, Object> report(String userId) {
        Map<String, Object> figures = metrics(userId);
        List<String> findings = new ArrayList<>();
        long runs = (long) figures.get("runs");
        double completion = (double) figures.get("completion_rate");
        if (runs == 0) {
            findings.add("no agent runs yet");
        } else if (completion < 0.95) {
            findings.add("completion rate below 95%: look at failed and cancelled runs");
        }
        if ((long) figures.get("validation_failures") > 0) {
            findings.add("some content failed validation");
        }
        if (findings.isEmpty()) {
            findings.add("all runs completed and all content validated");
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("user_id", userId);
        report.put("generated_at", clock.instant().toString());
        report.put("metrics", figures);
        report.put("findings", findings);
        return report;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
