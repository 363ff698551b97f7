package dev.switchboard.router;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.agents.SlaGuard;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.metrics.RouterMetrics;
import dev.switchboard.router.monitor.MonitorHub;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.DispatchQueue;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.routing.HandlerRegistry;
import dev.switchboard.router.routing.RoutingStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the monitor reads from the router's parts: plain maps, snake_case keys, ready for JSON. */
final class MonitorSources implements MonitorHub.Sources {
    private final RoutingStats routing;
    private final HandlerRegistry handlers;
    private final ConnectionRegistry connections;
    private final AgentRuns runs;
    private final Protection protection;
    private final DispatchQueue<?> queue;
    private final Breakers breakers;
    private final BackendPool backends;
    private final RouterMetrics metrics;
    private long lastReceived;
    private long lastNanos = System.nanoTime();
    private double messagesPerSecond;

    MonitorSources(RoutingStats routing, HandlerRegistry handlers, ConnectionRegistry connections, AgentRuns runs,
                Protection protection, DispatchQueue<?> queue, Breakers breakers, BackendPool backends,
                RouterMetrics metrics) {
        this.routing = routing;
        this.handlers = handlers;
        this.connections = connections;
        this.runs = runs;
        this.protection = protection;
        this.queue = queue;
        this.breakers = breakers;
        this.backends = backends;
        this.metrics = metrics;
    }

    @Override
    public synchronized Map<String, Object> stats() {
        RoutingStats.Snapshot snapshot = routing.snapshot();
        long now = System.nanoTime();
        if (now - lastNanos >= 50_000_000L) {
            messagesPerSecond = (snapshot.received() - lastReceived) * 1e9 / (now - lastNanos);
            lastReceived = snapshot.received();
            lastNanos = now;
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("connections", connections.connectionCount());
        stats.put("users", connections.userCount());
        stats.put("messages_per_second", Math.round(messagesPerSecond * 10) / 10.0);
        stats.put("received", snapshot.received());
        stats.put("routed", snapshot.routed());
        stats.put("unhandled", snapshot.unhandled());
        stats.put("handler_errors", snapshot.handlerErrors());
        stats.put("quality_messages", snapshot.qualityMessages());
        stats.put("by_type", snapshot.byType());
        stats.put("errors_by_type", snapshot.errorsByType());
        stats.put("errors_sent", snapshot.errorsSent());
        stats.put("rate_limited", protection.rateLimitedCount());
        stats.put("routing_latency_ms", metrics.routingPercentilesMs());
        Map<String, Object> depth = new LinkedHashMap<>();
        for (Priority priority : Priority.values()) {
            depth.put(priority.wire(), queue.depth(priority));
        }
        stats.put("queue_depth", depth);
        stats.put("runs_in_flight", runs.inFlightCount());
        stats.put("runs_started", runs.startedCount());
        Map<String, Object> ended = new LinkedHashMap<>();
        for (RunStatus status : List.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)) {
            ended.put(status.wire(), runs.endedCount(status));
        }
        stats.put("runs_ended", ended);
        return stats;
    }

    @Override
    public Map<String, Object> protection() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("breakers", breakers.states());
        RateLimitPolicy limits = protection.rateLimits();
        Map<String, Object> rateLimits = new LinkedHashMap<>();
        rateLimits.put("user", limit(limits.user()));
        rateLimits.put("connection", limit(limits.connection()));
        rateLimits.put("liveness", limit(limits.liveness()));
        Map<String, Object> overrides = new TreeMap<>();
        limits.overrides().forEach((user, override) -> overrides.put(user, limit(override)));
        rateLimits.put("overrides", overrides);
        state.put("rate_limits", rateLimits);
        QueuePolicy policy = queue.policy();
        Map<String, Object> ttl = new LinkedHashMap<>();
        policy.ttl().forEach((priority, duration) -> ttl.put(priority.wire(), duration.toMillis()));
        state.put("queue", Map.of("capacity", policy.capacity(), "per_user", policy.perUser(), "ttl_ms", ttl));
        state.put("strategy", backends.strategy().name());
        List<Map<String, Object>> backendStates = new ArrayList<>();
        for (AgentBackend backend : backends.backends()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", backend.name());
            entry.put("healthy", backend.isHealthy());
            entry.put("breaker", Breakers.wire(backend.breaker().getState()));
            entry.put("in_flight", backend.inFlight());
            entry.put("runs", backend.runs());
            entry.put("failures", backend.failures());
            entry.put("average_latency_ms", Math.round(backend.averageLatencyMs()));
            backendStates.add(entry);
        }
        state.put("backends", backendStates);
        Rollout rollout = backends.rollout();
        Rollout.State current = rollout.state();
        Map<String, Object> rolloutState = new LinkedHashMap<>();
        rolloutState.put("mode", current.mode().wire());
        rolloutState.put("candidate", current.candidate());
        rolloutState.put("percent", current.percent());
        rolloutState.put("changed_at", current.changedAt().toString());
        rolloutState.put("rollback_reason", current.rollbackReason());
        rolloutState.put("candidate_window", window(rollout.candidateWindow()));
        rolloutState.put("stable_window", window(rollout.stableWindow()));
        state.put("rollout", rolloutState);
        return state;
    }

    private static Map<String, Object> limit(RateLimit limits) {
        return Map.of("per_minute", limits.perMinute(), "burst", limits.burst());
    }

    private static Map<String, Object> window(SlaGuard.Window window) {
        return Map.of("samples", window.samples(), "p95_ms", window.p95Ms(), "success_rate", window.successRate());
    }

    @Override
    public List<ConnectionInfo> connections() {
        return connections.connections();
    }

    @Override
    public List<RunInfo> runsInFlight() {
        return runs.inFlight();
    }

    @Override
    public List<String> handlerTypes() {
        return new ArrayList<>(handlers.types());
    }
}
