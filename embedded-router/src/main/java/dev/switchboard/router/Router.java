package dev.switchboard.router;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.AgentExecutor;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.BackendStrategy;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunTracker;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionLimits;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.event.Listeners;
import dev.switchboard.router.handlers.BuiltInHandlers;
import dev.switchboard.router.metrics.RouterMetrics;
import dev.switchboard.router.monitor.MonitorEndpoint;
import dev.switchboard.router.monitor.MonitorHub;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protection.HandlerBreakers;
import dev.switchboard.router.protection.Classifier;
import dev.switchboard.router.protection.MessageValidator;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimiter;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.quality.QualityTracker;
import dev.switchboard.router.routing.HandlerGuard;
import dev.switchboard.router.routing.HandlerRegistry;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.MessageHandler;
import dev.switchboard.router.routing.MessageRouter;
import dev.switchboard.router.routing.RouteRejection;
import dev.switchboard.router.routing.RoutingStats;
import dev.switchboard.router.transport.Dispatcher;
import dev.switchboard.router.transport.HttpEndpoints;
import dev.switchboard.router.transport.InProcessPipeline;
import dev.switchboard.router.transport.ListenerStatus;
import dev.switchboard.router.transport.RouterSocketServer;
import dev.switchboard.router.transport.TransportLimits;
import dev.switchboard.router.transport.TransportStats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router: the one wiring point of the transport, routing, handlers, agents and metrics, used
 * alike by the standalone server and by embedders such as the console.
 *
 * <pre>{@code
 * Router router = Router.builder().config(RouterConfig.builder().port(0).devAuth(true).build()).build();
 * router.start();
 * URI uri = router.clientUri();   // ws://127.0.0.1:<port>/ws
 * router.stop();
 * }</pre>
 */
public final class Router implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);
    /** Bytes read and discarded after a refusal or protocol error, so the peer reads the answer; then reading stops. */
    private static final int DRAIN_BYTES = 64 * 1024;
    private static final Classification DEFAULT_CLASS = new Classification(Priority.NORMAL, Classification.TACTICAL, -1);

    /** Where the router is in its life. */
    public enum State { NEW, STARTING, READY, DEGRADED, STOPPED }

    private final RouterConfig config;
    private final Clock clock;
    private final JsonCodec codec = new JsonCodec();
    private final RoutingStats routingStats = new RoutingStats();
    private final MessageRouter messageRouter = new MessageRouter(new HandlerRegistry(), routingStats);
    private final ConnectionRegistry connections;
    private final BackendPool pool;
    private final Breakers breakers;
    private final RunTracker runs;
    private final QualityTracker quality;
    private final Protection protection;
    private final PrometheusMeterRegistry meterRegistry;
    private final ThreadPoolExecutor launcher;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile State state = State.NEW;
    private volatile Instant startedAt;
    private TokenService tokens;
    private MonitorHub monitor;
    private MonitorEndpoint monitorEndpoint;
    private RouterSocketServer socketServer;
    private Dispatcher dispatcher;
    private HttpEndpoints http;
    private RouterMetrics metrics;

    private Router(Builder builder) {
        this.config = builder.config;
        this.clock = builder.clock;
        this.breakers = new Breakers(config.breakers());
        this.pool = new BackendPool(backends(builder.agent), BackendStrategy.named(config.strategy()),
                new Rollout(config.rollout().initialState(clock), config.rollout().thresholds(), clock));
        this.meterRegistry = builder.meterRegistry != null
                ? builder.meterRegistry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.scheduler = Executors.newScheduledThreadPool(1, named("switchboard-scheduler"));
        this.connections = new ConnectionRegistry(codec, clock, new ConnectionLimits(config.outboxLimit(),
                config.outboxBytes(), config.maxConnectionsPerUser()), this::runHousekeeping);
        this.launcher = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.maxRunsInFlight()), named("switchboard-run-launcher"));
        this.runs = new RunTracker(pool, this::emitAndObserve, clock, launcher, scheduler, config.runTimeout(),
                config.maxRunsInFlight());
        this.quality = new QualityTracker(this::emitAndObserve, clock);
        this.protection = new Protection(new MessageValidator(config.validation()),
                new Classifier(config.classification(), DEFAULT_CLASS), new RateLimiter(config.rateLimits()));
        runs.addListener(quality);
        connections.addListener(new ConnectionCleanup(routingStats, runs, protection, quality, connections,
                this::runHousekeeping));
        messageRouter.guard(handlerGuard(new HandlerBreakers(breakers)));
        BuiltInHandlers.register(messageRouter, codec, runs, quality, clock, this::admitBatchElement,
                connectionId -> connections.find(connectionId) != null);
        builder.handlers.forEach(messageRouter.registry()::register);
    }

    private List<AgentBackend> backends(AgentExecutor custom) {
        if (custom != null) {
            return List.of(new AgentBackend(custom.name(), custom, 1, DEFAULT_BUDGET,
                    breakers.breaker("backend:" + custom.name())));
        }
        List<BackendSpec> specs = config.backends().isEmpty()
                ? List.of(new BackendSpec(config.agent(), 1, DEFAULT_BUDGET)) : config.backends();
        List<AgentBackend> built = new ArrayList<>();
        for (BackendSpec spec : specs) {
            built.add(new AgentBackend(spec.name(), new SimulatedAgent(spec.settings()), spec.weight(), spec.budget(),
                    breakers.breaker("backend:" + spec.name())));
        }
        return built;
    }

    private static HandlerGuard handlerGuard(HandlerBreakers handlerBreakers) {
        return new HandlerGuard() {
            @Override
            public boolean tryAcquire(String type) {
                return handlerBreakers.tryAcquire(type);
            }

            @Override
            public void succeeded(String type, long nanos) {
                handlerBreakers.succeeded(type, nanos);
            }

            @Override
            public void failed(String type, long nanos, Throwable failure) {
                handlerBreakers.failed(type, nanos, failure);
            }
        };
    }

    /** Sends an event to a user's connections and shows it to the monitor. */
    private void emitAndObserve(String userId, ServerEvent event) {
        connections.emitToUser(userId, event);
        MonitorHub hub = monitor;
        if (hub != null) {
            Listeners.notifyEach(List.of(hub), observer -> observer.emitted(userId, event), "event emitted");
        }
    }

    /** Runs housekeeping (socket closes, run cancellation) on the scheduler; inline once it has stopped. */
    private void runHousekeeping(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private void admitBatchElement(MessageContext context, ClientMessage message) {
        Protection.Verdict verdict = protection.admit(context.userId(), context.connectionId(), message);
        if (!verdict.admitted()) {
            throw new RouteRejection(verdict.code(), verdict.text(),
                    verdict.retryAfterMs() > 0 ? Map.of("retry_after_ms", verdict.retryAfterMs()) : Map.of());
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the WebSocket and HTTP ports and starts serving. Returns once both are listening; the
     * router becomes ready when the agent executor has warmed up (within the start-up grace period).
     *
     * @throws IllegalStateException when already started, or when a port cannot be bound
     */
    public Router start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("router already started");
        }
        state = State.STARTING;
        startedAt = clock.instant();
        warmUpCodec();
        tokens = config.jwtSecret() == null ? null : new TokenService(config.jwtSecret(), clock,
                config.tokenClockSkew(), config.maxTokenLifetime());
        dispatcher = new Dispatcher(config.queue(), messageRouter, nanos -> metrics.recordRouting(nanos),
                nanos -> metrics.recordQueueWait(nanos));
        socketServer = new RouterSocketServer(new InetSocketAddress(config.host(), config.port()),
                transportLimits(config), config.ioThreads(), tokens, config.devAuth(), connections, messageRouter, codec, clock,
                config.softFrameLimit(), config.hardFrameLimit(), protection, dispatcher);
        metrics = new RouterMetrics(meterRegistry, new RouterMetrics.Sources(routingStats, connections, runs,
                protection, dispatcher.queue(), socketServer.stats(), pool, breakers, () -> state == State.READY,
                socketServer));
        runs.addListener(metrics);
        startMonitor();
        try {
            socketServer.start();
            socketServer.started().get(10, TimeUnit.SECONDS);
            if (config.httpPort() >= 0) {
                HealthReport report = new HealthReport(() -> state, () -> startedAt, socketServer, connections, runs,
                        () -> messageRouter.registry().types().size(), config.maxConnections(), clock, codec);
                HttpEndpoints endpoints = new HttpEndpoints(new InetSocketAddress(config.host(), config.httpPort()),
                        report::health, report::readiness, meterRegistry::scrape);
                endpoints.start();
                http = endpoints;
            }
        } catch (ExecutionException | TimeoutException | IOException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            stop();
            throw new IllegalStateException("cannot listen on " + config.host() + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting", e);
        }
        scheduleHousekeeping();
        runs.warmUp().whenComplete((ignored, failure) -> becomeReady(failure));
        scheduler.schedule(this::graceExpired, config.startupGrace().toMillis(), TimeUnit.MILLISECONDS);
        log.info("Switchboard router listening on {} (http {}); at most {} connections, {} per user, {} handshaking"
                        + " (open-files limit {})", clientUri(), http == null ? "off" : http.port(),
                config.maxConnections(), config.maxConnectionsPerUser(), config.maxPendingHandshakes(),
                DescriptorBudget.processLimit());
        return this;
    }

    private static TransportLimits transportLimits(RouterConfig config) {
        return new TransportLimits(config.maxConnections(), config.maxPendingHandshakes(), config.handshakeTimeout(),
                config.maxRequestLineBytes(), config.maxHeaderBytes(), config.socketSendBuffer(), config.closeGrace(),
                DRAIN_BYTES);
    }

    /**
     * Decodes and encodes one message so the codec's classes are loaded before any client comes: a
     * class loaded later, while descriptors run out, would fail to load for good.
     */
    private void warmUpCodec() {
        codec.decode("{\"type\":\"ping\",\"message_id\":\"warm-up\",\"payload\":{\"n\":[1,2.5,true,null]}}");
        codec.decode("{");
        codec.encode(ServerEvent.builder(dev.switchboard.router.protocol.EventType.PONG).put("n", 1).build());
    }

    private void startMonitor() {
        MonitorHub hub = new MonitorHub(clock, new MonitorSources(routingStats, messageRouter.registry(),
                connections, runs, protection, dispatcher.queue(), breakers, pool, metrics),
                Duration.ofMillis(100), 10_000, 2_000, 1_000);
        connections.addListener(hub);
        runs.addListener(hub);
        breakers.onTransition(hub::breakerChanged);
        pool.rollout().onTransition(hub::rolloutChanged);
        socketServer.traffic(hub);
        monitorEndpoint = new MonitorEndpoint(hub, new OperatorCommands(connections, pool, protection, () -> tokens,
                config.devAuth(), clock), config.monitorLimits());
        socketServer.sideEndpoint(MonitorEndpoint.PATH, monitorEndpoint);
        metrics.bindMonitor(monitorEndpoint);
        monitor = hub;
    }

    private void scheduleHousekeeping() {
        long every = Math.max(100, Math.min(5_000, config.idleTimeout().toMillis() / 4));
        scheduler.scheduleWithFixedDelay(() -> {
            connections.closeIdle(config.idleTimeout());
            protection.rateLimiter().sweep();
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void becomeReady(Throwable failure) {
        if (failure != null) {
            log.error("agent executor failed to warm up; agent runs will answer unavailable", failure);
            openGate(State.DEGRADED);
            return;
        }
        openGate(State.READY);
    }

    private synchronized void graceExpired() {
        if (state == State.STARTING) {
            log.warn("agent executor not ready after the {} start-up grace; serving without it", config.startupGrace());
            openGate(State.DEGRADED);
        }
    }

    private void openGate(State next) {
        if (state == State.STOPPED) {
            return;
        }
        state = next == State.DEGRADED && runs.isReady() ? State.READY : next;
        socketServer.resumeDispatch();
    }

    /** The WebSocket listener's state now: whether it accepts connections, since when, why not. */
    public ListenerStatus listenerStatus() {
        requireStarted();
        return socketServer.listenerStatus();
    }

    /**
     * Stops the router: refuses new connections, ends every run with {@code agent_completed}
     * {@code cancelled}, closes every socket with 1001 and releases all threads. Idempotent.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            state = State.STOPPED;
        }
        int cancelled = runs.shutdown("router shutting down");
        // every step runs even when an earlier one fails, so no thread outlives stop()
        quietly("the WebSocket server", () -> {
            if (socketServer != null) {
                socketServer.stop((int) config.stopTimeout().toMillis(), "router shutting down");
            }
        });
        quietly("the HTTP endpoints", () -> {
            if (http != null) {
                http.stop();
            }
        });
        quietly("the monitor", () -> {
            if (monitor != null) {
                monitor.close();
            }
            if (monitorEndpoint != null) {
                monitorEndpoint.close();
            }
        });
        scheduler.shutdownNow();
        launcher.shutdownNow();
        quietly("the agent backends", pool::close);
        log.info("Switchboard router stopped ({} runs cancelled)", cancelled);
    }

    /** A step of {@link #stop()} that may fail. */
    private interface StopStep {
        void run() throws Exception;
    }

    private static void quietly(String what, StopStep step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("stopping {} failed", what, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The bound WebSocket port (useful after starting on port 0). */
    public int port() {
        requireStarted();
        return socketServer.port();
    }

    /** The bound HTTP port, or -1 when the HTTP endpoints are off. */
    public int httpPort() {
        requireStarted();
        return http == null ? -1 : http.port();
    }

    /** {@code ws://host:port/ws}. */
    public URI clientUri() {
        return URI.create("ws://" + config.host() + ":" + port() + RouterSocketServer.CLIENT_PATH);
    }

    private void requireStarted() {
        if (socketServer == null) {
            throw new IllegalStateException("router not started");
        }
    }

    public State state() {
        return state;
    }

    /** Whether {@code /ready} answers 200. */
    public boolean isReady() {
        return state == State.READY;
    }

    public RouterConfig config() {
        return config;
    }

    /**
     * Registers a custom handler; it serves {@code type} instead of any built-in one until removed.
     *
     * @return the custom handler it replaced, or null
     */
    public MessageHandler registerHandler(String type, MessageHandler handler) {
        return messageRouter.registry().register(type, handler);
    }

    /** Removes a custom handler; the built-in one, if any, serves the type again. */
    public boolean unregisterHandler(String type) {
        return messageRouter.registry().unregister(type);
    }

    /**
     * The router's inbound pipeline without sockets (decode, validate, classify, rate-limit, queue,
     * handle, encode), run on the caller's thread against this router's handlers and limits; every
     * frame it would send goes to {@code replies}. For benchmarks: the router need not be started
     * for messages that start no agent run.
     */
    public InProcessPipeline inProcessPipeline(Consumer<String> replies) {
        return new InProcessPipeline(codec, protection, messageRouter, config.queue(), config.softFrameLimit(), replies);
    }

    /** Sends an event to every connection of {@code userId}; returns how many it was queued on. */
    public int emitToUser(String userId, ServerEvent event) {
        return connections.emitToUser(userId, event);
    }

    /** The routing statistics now. */
    public RoutingStats.Snapshot stats() {
        return routingStats.snapshot();
    }

    /** Every open connection now. */
    public List<ConnectionInfo> connections() {
        return connections.connections();
    }

    /** Every agent run in flight now. */
    public List<RunInfo> runsInFlight() {
        return runs.inFlight();
    }

    /**
     * The protection pipeline: validation policy, classification rules and rate limits, changeable
     * at runtime ({@code protection().rateLimiter().update(…)}, {@code protection().classifier(…)}).
     */
    public Protection protection() {
        return protection;
    }

    /**
     * The monitor feed: a snapshot and coalesced updates (at most 10 a second), the same documents
     * {@code ws://host:port/monitor} sends. Available once started.
     */
    public RouterFeed monitor() {
        requireStarted();
        return monitor;
    }

    /**
     * Runs a monitor command (as {@code /monitor} documents them) with the operator role: what an
     * embedding console uses for its operator actions.
     */
    public ObjectNode monitorCommand(JsonNode command) {
        requireStarted();
        return monitorEndpoint.command(Role.OPERATOR, command);
    }

    /** The agent backends, their strategy and the rollout, changeable at runtime. */
    public BackendPool backends() {
        return pool;
    }

    /** Every circuit breaker (handlers and backends) and its transitions. */
    public Breakers breakers() {
        return breakers;
    }

    /** Changes the dispatch queue's capacity, per-user share and TTLs at runtime. */
    public void queuePolicy(QueuePolicy policy) {
        requireStarted();
        dispatcher.queue().policy(policy);
    }

    /** Messages waiting in the dispatch queue, per class. */
    public int queueDepth(Priority priority) {
        requireStarted();
        return dispatcher.queue().depth(priority);
    }

    /** Transport counters: handshakes refused, closes by code. */
    public TransportStats transportStats() {
        requireStarted();
        return socketServer.stats();
    }

    /** The Prometheus registry behind {@code /metrics}. */
    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** Assembles a {@link Router}. */
    public static final class Builder {
        private RouterConfig config = RouterConfig.builder().build();
        private Clock clock = Clock.systemUTC();
        private AgentExecutor agent;
        private PrometheusMeterRegistry meterRegistry;
        private final Map<String, MessageHandler> handlers = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder config(RouterConfig value) {
            this.config = Objects.requireNonNull(value, "config must not be null");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock must not be null");
            return this;
        }

        /** The agent backend; default a {@link SimulatedAgent} with the config's settings. */
        public Builder agentExecutor(AgentExecutor value) {
            this.agent = Objects.requireNonNull(value, "agent executor must not be null");
            return this;
        }

        /** The Prometheus registry to bind to; default a new one. */
        public Builder meterRegistry(PrometheusMeterRegistry value) {
            this.meterRegistry = Objects.requireNonNull(value, "meter registry must not be null");
            return this;
        }

        /** A custom handler, registered before start. */
        public Builder handler(String type, MessageHandler handler) {
            handlers.put(Objects.requireNonNull(type, "type must not be null"),
                    Objects.requireNonNull(handler, "handler must not be null"));
            return this;
        }

        public Router build() {
            return new Router(this);
        }
    }
}
