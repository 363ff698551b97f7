package dev.switchboard.router.metrics;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.http.HttpAgentExecutor;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.DispatchQueue;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.FrameRejection;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.routing.RoutingStats;
import dev.switchboard.router.monitor.MonitorEndpoint;
import dev.switchboard.router.trace.Tracer;
import dev.switchboard.router.transport.RouterSocketServer;
import dev.switchboard.router.transport.TransportStats;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The one Micrometer binding of the router. Counters read the components' own lock-free counters
 * at scrape time, so the hot path never looks a meter up; the two timers are cached here. No meter
 * carries a user id: tags are message types (only types some handler serves), error codes, run
 * statuses, handshake reasons and close codes.
 */
public final class RouterMetrics implements RunListener {
    /** Handshake refusal reasons, registered up front so they show as 0 before the first one. */
    public static final List<String> HANDSHAKE_REASONS =
            List.of("missing", "invalid", "expired", "bad_user", "dev_auth_off", "not_found", "forbidden",
                    "bad_request", "timeout", "uri_too_long", "headers_too_large", "method", "not_websocket", "version",
                    "max_connections", "per_user", "evicted", "role", "cool_down", "too_large", "no_exp", "not_yet_valid", "bad_role",
                    "too_long_lived");
    /** Close codes counted separately. */
    public static final List<Integer> CLOSE_CODES = List.of(1000, 1001, 1002, 1005, 1006, 1007, 1008, 1009, 1011, 1013);

    private final MeterRegistry registry;
    private final Timer routingLatency;
    private final Timer answerLatency;
    private final Timer handshakeTime;
    private final Timer queueWait;
    private final Map<RunStatus, Timer> runDurations = new EnumMap<>(RunStatus.class);

    /** Everything the binding reads; all but the registry are the router's live components. */
    public record Sources(RoutingStats routing, ConnectionRegistry connections, AgentRuns runs,
                          Protection protection, DispatchQueue<?> queue, TransportStats transport,
                          BackendPool backends, Breakers breakers, BooleanSupplier ready, RouterSocketServer socket,
                          Tracer tracer) {
    }

    public RouterMetrics(MeterRegistry registry, Sources sources) {
        this.registry = registry;
        // Prometheus gets histogram buckets it can aggregate across nodes (histogram_quantile); the
        // client-side percentiles are kept for the monitor's figures only
        this.routingLatency = latencyTimer("switchboard.routing.latency",
                "Time from a frame's receipt to its handler's return, queue wait included", Duration.ofSeconds(60));
        this.answerLatency = latencyTimer("switchboard.reply.latency", "Time from a frame's receipt to the first frame"
                + " of its answer written to the socket: what a client waits, minus the network", Duration.ofSeconds(60));
        this.handshakeTime = latencyTimer("switchboard.handshake.duration",
                "Time from a socket accepted to its WebSocket upgrade answered", Duration.ofSeconds(30));
        this.queueWait = Timer.builder("switchboard.queue.wait")
                .description("Time a message waited in the dispatch queue")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        for (RunStatus status : List.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)) {
            runDurations.put(status, Timer.builder("switchboard.run.duration")
                    .description("Agent run duration, start to agent_completed")
                    .tag("status", status.wire())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry));
        }
        bindRouting(sources.routing());
        bindConnections(sources.connections(), sources.transport());
        bindSocket(sources.socket());
        bindRuns(sources.runs());
        bindProtection(sources.protection(), sources.queue());
        bindBreakers(sources.breakers());
        bindBackends(sources.backends());
        FunctionCounter.builder("switchboard.trace.skipped", sources.tracer(), Tracer::overBudget)
                .description("Messages the trace sample picked but left untraced: trace.per_second were"
                        + " traced already in that second")
                .register(registry);
        // the supplier is a lambda no one else holds: Micrometer keeps gauge sources weakly
        Gauge.builder("switchboard.ready", sources.ready(), ready -> ready.getAsBoolean() ? 1 : 0)
                .description("1 when /ready answers 200").strongReference(true).register(registry);
    }

    private void bindProtection(Protection protection, DispatchQueue<?> queue) {
        for (String bucket : List.of("user", "connection", "liveness")) {
            FunctionCounter.builder("switchboard.rate.limited", protection, p -> p.rateLimitedCount(bucket))
                    .description("Messages refused with rate_limited, by bucket").tag("bucket", bucket)
                    .register(registry);
        }
        for (FrameRejection.Reason reason : FrameRejection.Reason.values()) {
            FunctionCounter.builder("switchboard.validation.rejected", protection.stats(),
                            s -> s.rejectedCount(reason))
                    .description("Frames refused by validation, by reason").tag("reason", reason.tag())
                    .register(registry);
        }
        for (Priority priority : Priority.values()) {
            FunctionCounter.builder("switchboard.messages.classified", protection.stats(),
                            s -> s.classifiedCount(priority))
                    .description("Messages classified, by priority class").tag("priority", priority.wire())
                    .register(registry);
            Gauge.builder("switchboard.queue.depth", queue, q -> q.depth(priority))
                    .description("Messages waiting for dispatch, by priority class").tag("priority", priority.wire())
                    .register(registry);
            FunctionCounter.builder("switchboard.queue.expired", queue, q -> q.expiredCount(priority))
                    .description("Messages dropped with expired, by priority class").tag("priority", priority.wire())
                    .register(registry);
        }
        FunctionCounter.builder("switchboard.queue.refused", queue, DispatchQueue::refusedFull)
                .description("Messages refused with overloaded").tag("reason", "full").register(registry);
        FunctionCounter.builder("switchboard.queue.refused", queue, DispatchQueue::refusedUserFull)
                .description("Messages refused with overloaded").tag("reason", "user_full").register(registry);
    }

    private void bindBreakers(Breakers breakers) {
        counter("switchboard.breaker.transitions", "Circuit breaker state transitions", breakers,
                Breakers::transitionCount);
        breakers.onBreaker(breaker -> Gauge.builder("switchboard.breaker.state", breaker, RouterMetrics::stateCode)
                .description("Circuit breaker state: 0 closed, 1 open, 2 half-open, 3 other")
                .tag("breaker", breaker.getName()).register(registry));
    }

    private static double stateCode(CircuitBreaker breaker) {
        switch (breaker.getState()) {
            case CLOSED:
                return 0;
            case OPEN:
                return 1;
            case HALF_OPEN:
                return 2;
            default:
                return 3;
        }
    }

    private void bindBackends(BackendPool pool) {
        for (AgentBackend backend : pool.backends()) {
            Gauge.builder("switchboard.backend.in.flight", backend, AgentBackend::inFlight)
                    .description("Runs in flight on a backend").tag("backend", backend.name()).register(registry);
            Gauge.builder("switchboard.backend.latency.average", backend, b -> b.averageLatencyMs() / 1000.0)
                    .description("Moving average of run latency on a backend").baseUnit("seconds")
                    .tag("backend", backend.name()).register(registry);
            FunctionCounter.builder("switchboard.backend.runs", backend, AgentBackend::runs)
                    .description("Runs (shadow runs included) on a backend").tag("backend", backend.name())
                    .register(registry);
            FunctionCounter.builder("switchboard.backend.failures", backend, AgentBackend::failures)
                    .description("Failed runs on a backend").tag("backend", backend.name()).register(registry);
            if (backend.executor() instanceof HttpAgentExecutor http) {
                FunctionCounter.builder("switchboard.backend.contract.violations", http,
                                HttpAgentExecutor::contractViolations)
                        .description("Events an http backend sent that broke the run contract (dropped)")
                        .tag("backend", backend.name()).register(registry);
                // buckets only: a percentile computed here would cost every event more than the rest of its timing
                Timer eventLatency = Timer.builder("switchboard.backend.event.latency")
                        .description("Time from an http backend's run event read off its stream to its frame written"
                                + " to the user's first connection on this node: the router's own part of the event's way")
                        .tag("backend", backend.name())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(10_000))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry);
                http.timeEvents(nanos -> eventLatency.record(nanos, TimeUnit.NANOSECONDS));
            }
        }
        Rollout rollout = pool.rollout();
        Gauge.builder("switchboard.rollout.mode", rollout, r -> r.state().mode().ordinal())
                .description("Rollout mode: 0 off, 1 shadow, 2 partial, 3 full").register(registry);
        Gauge.builder("switchboard.rollout.percent", rollout, r -> r.state().percent())
                .description("Rollout share of runs (shadow) or users (partial)").register(registry);
        for (String kind : List.of("change", "rollback")) {
            FunctionCounter.builder("switchboard.rollout.transitions", rollout, r -> r.transitionCount(kind))
                    .description("Rollout changes by operators and rollbacks by the SLA guard").tag("kind", kind)
                    .register(registry);
        }
        Gauge.builder("switchboard.rollout.p95", rollout, r -> r.candidateWindow().p95Ms() / 1000.0)
                .description("p95 run latency in the SLA window").baseUnit("seconds").tag("side", "candidate")
                .register(registry);
        Gauge.builder("switchboard.rollout.p95", rollout, r -> r.stableWindow().p95Ms() / 1000.0)
                .description("p95 run latency in the SLA window").baseUnit("seconds").tag("side", "stable")
                .register(registry);
        Gauge.builder("switchboard.rollout.success.rate", rollout, r -> r.candidateWindow().successRate())
                .description("Run success rate in the SLA window").tag("side", "candidate").register(registry);
        Gauge.builder("switchboard.rollout.success.rate", rollout, r -> r.stableWindow().successRate())
                .description("Run success rate in the SLA window").tag("side", "stable").register(registry);
    }

    private void bindRouting(RoutingStats stats) {
        counter("switchboard.messages.received", "Client messages that reached the router", stats,
                RoutingStats::received);
        counter("switchboard.messages.unhandled", "Messages of a type no handler serves", stats,
                RoutingStats::unhandledCount);
        counter("switchboard.quality.messages", "Quality messages dispatched", stats, RoutingStats::qualityMessages);
        for (ErrorCode code : ErrorCode.values()) {
            FunctionCounter.builder("switchboard.errors.sent", stats, s -> s.errorsSent(code))
                    .description("Error events sent to clients, by code").tag("code", code.wire()).register(registry);
        }
        stats.onType(type -> {
            FunctionCounter.builder("switchboard.messages.routed", type, RoutingStats.TypeStats::count)
                    .description("Messages dispatched to a handler, by type").tag("type", type.type())
                    .register(registry);
            FunctionCounter.builder("switchboard.handler.errors", type, RoutingStats.TypeStats::errors)
                    .description("Handler failures, by type").tag("type", type.type()).register(registry);
        });
    }

    private void bindConnections(ConnectionRegistry connections, TransportStats transport) {
        Gauge.builder("switchboard.connections.active", connections, ConnectionRegistry::connectionCount)
                .description("Open client connections").register(registry);
        Gauge.builder("switchboard.users.online", connections, ConnectionRegistry::userCount)
                .description("Users with at least one open connection").register(registry);
        counter("switchboard.frames.sent", "Frames queued to clients", connections, ConnectionRegistry::framesSent);
        counter("switchboard.outbox.refused", "Frames refused because a client's outbox was full", connections,
                ConnectionRegistry::framesRefused);
        counter("switchboard.outbox.total.closed",
                "Connections closed with 1013 because every outbox together was over outbox_total_bytes", connections,
                ConnectionRegistry::closedOverOutboxTotal);
        counter("switchboard.connections.idle.closed", "Connections closed for idling", connections,
                ConnectionRegistry::idleClosed);
        counter("switchboard.fanout.frames", "Frames queued by emits to a user: one per connection of that user",
                connections, ConnectionRegistry::fanOutFrames);
        for (String reason : HANDSHAKE_REASONS) {
            FunctionCounter.builder("switchboard.handshakes.rejected", transport, t -> t.handshakesRejected(reason))
                    .description("Handshakes refused, by reason").tag("reason", reason).register(registry);
        }
        for (int code : CLOSE_CODES) {
            FunctionCounter.builder("switchboard.connections.closed", transport, t -> t.closes(code))
                    .description("Connections closed, by close code").tag("code", Integer.toString(code))
                    .register(registry);
        }
    }

    private void bindSocket(RouterSocketServer socket) {
        TransportStats transport = socket.stats();
        Gauge.builder("switchboard.listener.accepting", socket, s -> s.listenerStatus().accepting() ? 1 : 0)
                .description("1 while the WebSocket listener accepts connections, 0 while paused or down")
                .register(registry);
        Gauge.builder("switchboard.handshakes.pending", socket, RouterSocketServer::pendingHandshakes)
                .description("Sockets accepted and not yet upgraded").register(registry);
        counter("switchboard.sockets.refused", "Sockets closed on accept because the router was stopping",
                transport, TransportStats::socketsRefused);
        counter("switchboard.accept.failures", "Accepts that failed (out of file descriptors, mostly)", transport,
                TransportStats::acceptFailures);
        counter("switchboard.protocol.errors", "Connections closed for breaking RFC 6455", transport,
                TransportStats::protocolErrors);
    }

    /** Binds the {@code /monitor} endpoint's refusals (it is built after the other sources). */
    public void bindMonitor(MonitorEndpoint monitor) {
        counter("switchboard.monitor.commands.refused",
                "Monitor commands refused: over the rate limit or a snapshot already in flight", monitor,
                MonitorEndpoint::commandsRefused);
        counter("switchboard.monitor.overflow.closed", "Monitor connections closed with 1013 for not reading",
                monitor, MonitorEndpoint::overflowClosed);
        for (String action : MonitorEndpoint.operatorCommands()) {
            for (boolean done : new boolean[] {true, false}) {
                FunctionCounter.builder("switchboard.operator.actions", monitor, m -> m.operatorActions(action, done))
                        .description("Operator commands on the monitor, carried out or refused (a viewer's included)")
                        .tag("action", action).tag("outcome", done ? "done" : "refused").register(registry);
            }
        }
    }

    private void bindRuns(AgentRuns runs) {
        Gauge.builder("switchboard.runs.in.flight", runs, AgentRuns::inFlightCount)
                .description("Agent runs in flight").register(registry);
        counter("switchboard.runs.started", "Agent runs started", runs, AgentRuns::startedCount);
        for (RunStatus status : List.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED)) {
            FunctionCounter.builder("switchboard.runs.ended", runs, r -> r.endedCount(status))
                    .description("Agent runs ended, by status").tag("status", status.wire()).register(registry);
        }
    }

    private <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    /**
     * A latency timer: histogram buckets Prometheus can aggregate across nodes
     * ({@code histogram_quantile}), and client-side p50/p95/p99 over the last minute for the monitor.
     */
    private Timer latencyTimer(String name, String description, Duration longest) {
        return Timer.builder(name).description(description)
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(longest)
                .distributionStatisticExpiry(Duration.ofMinutes(1))
                .register(registry);
    }

    /** The routing latency's p50, p95 and p99 over the last minute, in milliseconds. */
    public Map<String, Double> routingPercentilesMs() {
        return percentilesMs(routingLatency);
    }

    /** The answer latency's (frame received → answer written) p50, p95 and p99 over the last minute, in ms. */
    public Map<String, Double> replyPercentilesMs() {
        return percentilesMs(answerLatency);
    }

    /** The handshake time's (socket accepted → upgrade answered) p50, p95 and p99 over the last minute, in ms. */
    public Map<String, Double> handshakePercentilesMs() {
        return percentilesMs(handshakeTime);
    }

    private static Map<String, Double> percentilesMs(Timer timer) {
        Map<String, Double> percentiles = new java.util.LinkedHashMap<>();
        for (io.micrometer.core.instrument.distribution.ValueAtPercentile value
                : timer.takeSnapshot().percentileValues()) {
            String name = "p" + Math.round(value.percentile() * 100);
            percentiles.put(name, Math.round(value.value(TimeUnit.MICROSECONDS)) / 1000.0);
        }
        return percentiles;
    }

    /** Records the time one message waited in the dispatch queue. */
    public void recordQueueWait(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records the time from a frame's receipt to the first frame of its answer written to the socket. */
    public void recordReply(long nanos) {
        answerLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records the time from a socket accepted to its upgrade answered. */
    public void recordHandshake(long nanos) {
        handshakeTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Records the time from a frame's receipt to its handler's return. */
    public void recordRouting(long nanos) {
        routingLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void ended(RunInfo run) {
        Timer timer = runDurations.get(run.status());
        if (timer != null) {
            timer.record(run.durationMs(), TimeUnit.MILLISECONDS);
        }
    }
}
