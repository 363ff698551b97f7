package dev.switchboard.router;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.agents.SlaGuard;
import dev.switchboard.router.agents.http.HttpAgentExecutor;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.metrics.RouterMetrics;
import dev.switchboard.router.monitor.MonitorHub;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.monitor.wire.ProtectionState;
import dev.switchboard.router.monitor.wire.Stats;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.DispatchQueue;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.Squeezes;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.routing.HandlerRegistry;
import dev.switchboard.router.routing.RoutingStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** What the monitor reads from the router's parts, as the monitor protocol's records. */
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
    private final Supplier<ClusterView> cluster;
    private final Squeezes squeezes;
    /** (nanoTime, frames received) samples of about the last second, oldest first: the rate's window. */
    private final ArrayDeque<long[]> received = new ArrayDeque<>();

    MonitorSources(RoutingStats routing, HandlerRegistry handlers, ConnectionRegistry connections, AgentRuns runs,
                Protection protection, DispatchQueue<?> queue, Breakers breakers, BackendPool backends,
                RouterMetrics metrics, Supplier<ClusterView> cluster, Squeezes squeezes) {
        this.cluster = cluster;
        this.squeezes = squeezes;
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
    public synchronized Stats stats() {
        RoutingStats.Snapshot snapshot = routing.snapshot();
        double messagesPerSecond = messagesPerSecond(System.nanoTime(), snapshot.received());
        Map<String, Integer> depth = new LinkedHashMap<>();
        for (Priority priority : Priority.values()) {
            depth.put(priority.wire(), queue.depth(priority));
        }
        Map<String, Long> ended = new LinkedHashMap<>();
        for (RunStatus status : List.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)) {
            ended.put(status.wire(), runs.endedCount(status));
        }
        return new Stats(connections.connectionCount(), connections.userCount(),
                Math.round(messagesPerSecond * 10) / 10.0, snapshot.received(), snapshot.routed(),
                snapshot.unhandled(), snapshot.handlerErrors(), snapshot.qualityMessages(), snapshot.byType(),
                snapshot.errorsByType(), snapshot.errorsSent(), protection.rateLimitedCount(),
                metrics.routingPercentilesMs(), depth, runs.inFlightCount(), runs.startedCount(), ended,
                metrics.replyPercentilesMs(), metrics.handshakePercentilesMs(), snapshot.errorsSentByType());
    }

    /**
     * Frames received a second over about the last second: a window long enough that a steady 10
     * messages a second reads as 10, not as 0 or 20 depending on which 100 ms a tick saw.
     */
    private synchronized double messagesPerSecond(long now, long total) {
        received.addLast(new long[] {now, total});
        while (received.size() > 2 && now - secondOldest()[0] >= 1_000_000_000L) {
            received.pollFirst();
        }
        long[] oldest = received.peekFirst();
        long elapsed = now - oldest[0];
        return elapsed < 50_000_000L ? 0 : (total - oldest[1]) * 1e9 / elapsed;
    }

    private long[] secondOldest() {
        Iterator<long[]> samples = received.iterator();
        samples.next();
        return samples.next();
    }

    @Override
    public ProtectionState protection() {
        RateLimitPolicy limits = protection.rateLimits();
        Map<String, ProtectionState.Limit> overrides = new TreeMap<>();
        limits.overrides().forEach((user, override) -> overrides.put(user, limit(override)));
        QueuePolicy policy = queue.policy();
        Map<String, Long> ttl = new LinkedHashMap<>();
        policy.ttl().forEach((priority, duration) -> ttl.put(priority.wire(), duration.toMillis()));
        List<ProtectionState.Backend> backendStates = new ArrayList<>();
        for (AgentBackend backend : backends.backends()) {
            backendStates.add(backendState(backend));
        }
        Rollout rollout = backends.rollout();
        Rollout.State current = rollout.state();
        return new ProtectionState(breakers.states(),
                new ProtectionState.RateLimits(limit(limits.user()), limit(limits.connection()),
                        limit(limits.liveness()), overrides),
                new ProtectionState.Queue(policy.capacity(), policy.perUser(), ttl),
                backends.strategy().name(), backendStates,
                new ProtectionState.Rollout(current.mode().wire(), current.candidate(), current.percent(),
                        current.changedAt(), current.rollbackReason(), window(rollout.candidateWindow()),
                        window(rollout.stableWindow())), forced(), squeezed());
    }

    private Map<String, ProtectionState.Squeezed> squeezed() {
        Map<String, ProtectionState.Squeezed> squeezed = new java.util.TreeMap<>();
        squeezes.all().forEach((user, squeeze) -> squeezed.put(user, new ProtectionState.Squeezed(
                squeeze.queuePerUser(), squeeze.outboxFrames(), squeeze.expiresAt(), squeeze.by())));
        return squeezed;
    }

    private Map<String, ProtectionState.ForcedBreaker> forced() {
        Map<String, ProtectionState.ForcedBreaker> forced = new java.util.TreeMap<>();
        breakers.forced().forEach((name, state) -> forced.put(name,
                new ProtectionState.ForcedBreaker(state.state(), state.expiresAt(), state.by())));
        return forced;
    }

    private static ProtectionState.Limit limit(RateLimit limits) {
        return new ProtectionState.Limit(limits.perMinute(), limits.burst());
    }

    private static ProtectionState.Backend backendState(AgentBackend backend) {
        long[] percentiles = backend.latencyPercentilesMs();
        HttpAgentExecutor http = backend.executor() instanceof HttpAgentExecutor executor ? executor : null;
        return new ProtectionState.Backend(backend.name(), backend.isHealthy(),
                Breakers.wire(backend.breaker().getState()), backend.inFlight(), backend.runs(), backend.failures(),
                Math.round(backend.averageLatencyMs()), http == null ? "simulated" : "http",
                http == null ? null : http.settings().safeUrl(), percentiles[0], percentiles[1],
                lastFailure(backend.lastFailure(), http == null ? null : http.lastFailure()), fault(backend.fault()));
    }

    private static ProtectionState.Fault fault(AgentBackend.Fault fault) {
        return fault == null ? null : new ProtectionState.Fault(fault.paused(), fault.latencyMs(), fault.failureRate(),
                fault.expiresAt(), fault.by());
    }

    /** The later of the run tracker's and the http client's last failure (the latter has the detail). */
    private static ProtectionState.Failure lastFailure(AgentBackend.Failure run, HttpAgentExecutor.LastFailure http) {
        if (http != null && (run == null || !http.at().isBefore(run.at().minusMillis(100)))) {
            return new ProtectionState.Failure(http.reason(), http.detail(), http.at());
        }
        return run == null ? null : new ProtectionState.Failure(run.reason(), null, run.at());
    }

    private static ProtectionState.SlaWindow window(SlaGuard.Window window) {
        return new ProtectionState.SlaWindow(window.samples(), window.p95Ms(), window.successRate());
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

    @Override
    public ClusterView cluster() {
        return cluster.get();
    }
}
