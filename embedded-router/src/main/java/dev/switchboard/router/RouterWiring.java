package dev.switchboard.router;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.AgentExecutor;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.BackendStrategy;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.agents.http.HttpAgentExecutor;
import dev.switchboard.router.agents.http.HttpStreams;
import dev.switchboard.router.agents.RemoteRuns;
import dev.switchboard.router.agents.RunEventSink;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.cluster.ClusterSettings;
import dev.switchboard.router.cluster.RedisCluster;
import dev.switchboard.router.connections.ConnectionLimits;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.connections.RemoteDelivery;
import dev.switchboard.router.event.Listeners;
import dev.switchboard.router.handlers.BuiltInHandlers;
import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.metrics.RouterMetrics;
import dev.switchboard.router.monitor.MonitorEndpoint;
import dev.switchboard.router.monitor.MonitorHub;
import dev.switchboard.router.monitor.TrafficRecorder;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protection.HandlerBreakers;
import dev.switchboard.router.protection.Squeezes;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.quality.QualityTracker;
import dev.switchboard.router.routing.HandlerGuard;
import dev.switchboard.router.routing.HandlerRegistry;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.MessageHandler;
import dev.switchboard.router.routing.MessageRouter;
import dev.switchboard.router.routing.MessageRejected;
import dev.switchboard.router.routing.RoutingStats;
import dev.switchboard.router.time.Scheduler;
import dev.switchboard.router.time.Ticker;
import dev.switchboard.router.transport.Dispatcher;
import dev.switchboard.router.transport.HttpEndpoints;
import dev.switchboard.router.transport.NettyHttpStreams;
import dev.switchboard.router.transport.RouterSocketServer;
import dev.switchboard.router.transport.TransportLimits;
import dev.switchboard.router.trace.Tracer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the router's parts from its config and wires them together: the core (routing,
 * connections, agents, protection, quality) when the router is built, the network side (transport,
 * metrics, monitor, HTTP) when it starts; {@link #release} lets them all go. {@link Router} keeps
 * only the lifecycle and the embedder API.
 */
final class RouterWiring {
    /** Whether this JVM has loaded the codec's classes (see {@link #warmUpCodec()}). */
    private static final AtomicBoolean CODEC_CLASSES_LOADED = new AtomicBoolean();

    private static final Logger log = LoggerFactory.getLogger(RouterWiring.class);
    private static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);
    /** The {@code type} the monitor shows for an error a run sent (its backend failed). */
    /** Bytes read and discarded after a refusal or protocol error, so the peer reads the answer; then reading stops. */
    private static final int DRAIN_BYTES = 64 * 1024;
    private static final Classification DEFAULT_CLASS = new Classification(Priority.NORMAL, Classification.TACTICAL, -1);

    final RouterConfig config;
    final Clock clock;
    final JsonCodec codec = new JsonCodec();
    final RoutingStats routingStats = new RoutingStats();
    /** Which messages are traced, and the last traces. */
    final Tracer tracer;
    final MessageRouter messageRouter = new MessageRouter(new HandlerRegistry(), routingStats);
    final ConnectionRegistry connections;
    final BackendPool pool;
    final Breakers breakers;
    final AgentRuns runs;
    final Protection protection;
    final PrometheusMeterRegistry meterRegistry;
    private final QualityTracker quality;
    private final ThreadPoolExecutor launcher;
    private final ScheduledExecutorService scheduler;
    /** Streams of http backends' runs; null without any. */
    private HttpStreams agentHttp;

    // the network side, set once by listen(); read by other threads
    private volatile TokenService tokens;
    volatile Dispatcher dispatcher;
    volatile RouterSocketServer socketServer;
    volatile MonitorHub monitor;
    /** The monitor's {@code record} (null until the monitor starts). */
    private volatile TrafficRecorder recorder;
    volatile MonitorEndpoint monitorEndpoint;
    volatile HttpEndpoints http;
    private volatile RouterMetrics metrics;
    /** This node's membership of a cluster, or null for a router alone. */
    volatile RedisCluster cluster;

    /**
     * @param agent         a custom agent backend replacing the configured ones, or null
     * @param meterRegistry the registry to bind metrics to, or null for a new one
     * @param handlers      custom handlers by message type
     */
    RouterWiring(RouterConfig config, Clock clock, AgentExecutor agent, PrometheusMeterRegistry meterRegistry,
                 Map<String, MessageHandler> handlers) {
        this.config = config;
        this.clock = clock;
        this.tracer = new Tracer(config.traceSample(), config.tracePerSecond(), config.traceRing(), clock);
        this.breakers = new Breakers(config.breakers());
        ScheduledThreadPoolExecutor tasks = new ScheduledThreadPoolExecutor(1, named("switchboard-scheduler"));
        tasks.setRemoveOnCancelPolicy(true); // a cancelled task (a breaker's expiry replaced) leaves the queue at once
        this.scheduler = tasks;
        this.pool = new BackendPool(backends(agent), BackendStrategy.named(config.strategy()),
                new Rollout(config.rollout().initialState(clock), config.rollout().thresholds(), clock));
        this.meterRegistry = meterRegistry != null ? meterRegistry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.connections = new ConnectionRegistry(codec, clock, new ConnectionLimits(config.outboxLimit(),
                config.outboxBytes(), config.maxConnectionsPerUser(), config.outboxTotalBytes()), this::runHousekeeping);
        this.launcher = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.maxRunsInFlight()), named("switchboard-run-launcher"));
        this.runs = AgentRuns.tracker(pool, new RunEventSink() {
                    @Override
                    public void emit(String userId, ServerEvent event) {
                        emitAndObserve(userId, event, null);
                    }

                    @Override
                    public void emit(String userId, ServerEvent event, Runnable written) {
                        emitAndObserve(userId, event, written);
                    }
                }, clock, Ticker.system(), launcher,
                Scheduler.of(scheduler), config.runTimeout(), config.maxRunsInFlight());
        this.quality = new QualityTracker((userId, event) -> emitAndObserve(userId, event, null), clock);
        this.protection = new Protection(config.validation(), config.classification(), DEFAULT_CLASS,
                config.rateLimits(), clock);
        runs.addListener(quality);
        connections.addListener(new ConnectionCleanup(routingStats, runs, protection, quality, connections,
                this::runHousekeeping));
        messageRouter.guard(handlerGuard(new HandlerBreakers(breakers)));
        BuiltInHandlers.register(messageRouter, codec, runs, quality, clock, this::admitBatchElement,
                connectionId -> connections.find(connectionId) != null, () -> {
                    RedisCluster node = cluster;
                    return node == null ? RemoteRuns.NONE : node;
                });
        handlers.forEach(messageRouter.registry()::register);
        routingStats.servedTypes(type -> messageRouter.registry().find(type) != null
                || RoutingStats.RUN_ERRORS.equals(type));
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
            AgentExecutor executor;
            if (spec.http() != null) {
                HttpAgentExecutor http = new HttpAgentExecutor(spec.name(), spec.http(), Scheduler.of(scheduler),
                        Ticker.system(), agentHttp());
                http.readNear(this::writerOf);
                executor = http;
            } else {
                executor = new SimulatedAgent(spec.settings());
            }
            built.add(new AgentBackend(spec.name(), executor, spec.weight(), spec.budget(),
                    breakers.breaker("backend:" + spec.name())));
        }
        return built;
    }

    /** The I/O thread of one of the user's connections (a run stream of theirs is read there), or null. */
    private Executor writerOf(String userId) {
        ConnectionRegistry registry = connections; // the backends are built before the registry
        return registry == null ? null : registry.writerOf(userId);
    }

    /** The one Netty client of every http backend, made with the first of them. */
    private HttpStreams agentHttp() {
        if (agentHttp == null) {
            agentHttp = new NettyHttpStreams();
        }
        return agentHttp;
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

            @Override
            public String state(String type) {
                return handlerBreakers.state(type);
            }
        };
    }

    /**
     * Sends an event to a user's connections and shows it to the monitor; {@code written}, when not
     * null, runs once the first of them has written it.
     */
    private void emitAndObserve(String userId, ServerEvent event, Runnable written) {
        connections.emitToUser(userId, event, written);
        ErrorCode code = EventType.ERROR.equals(event.type()) ? ErrorCode.fromWire(String.valueOf(event.get("code"))) : null;
        if (code != null) {
            routingStats.errorSent(RoutingStats.RUN_ERRORS, code); // a run's error (its backend failed): counted like every error sent
        }
        MonitorHub hub = monitor;
        if (hub == null) {
            return;
        }
        if (code != null) {
            Listeners.notifyEach(List.of(hub), observer -> observer.errorSent(userId, "", RoutingStats.RUN_ERRORS, null, code,
                    String.valueOf(event.get("message"))), "error sent");
            TrafficRecorder recording = recorder;
            if (recording != null) {
                recording.runError(userId, event.get("run_id") == null ? null : String.valueOf(event.get("run_id")), code);
            }
        } else {
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
            throw new MessageRejected(verdict.code(), verdict.text(),
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

    /**
     * Builds the network side and binds the WebSocket port (and the HTTP port unless off); returns
     * once both listen.
     *
     * @param state     the router's state, for {@code /health} and {@code /ready}
     * @param ready     whether the router is ready, for the readiness gauge
     * @param startedAt when the router started, for the uptime
     */
    void listen(Supplier<Router.State> state, BooleanSupplier ready, Supplier<Instant> startedAt)
            throws ExecutionException, TimeoutException, IOException, InterruptedException {
        warmUpCodec();
        tokens = config.jwtSecret() == null ? null : new TokenService(config.jwtSecret(), clock,
                config.tokenClockSkew(), config.maxTokenLifetime());
        dispatcher = new Dispatcher(config.queue(), messageRouter, nanos -> metrics.recordRouting(nanos),
                nanos -> metrics.recordQueueWait(nanos));
        socketServer = new RouterSocketServer(new InetSocketAddress(config.host(), config.port()),
                transportLimits(config), config.ioThreads(), tokens, config.devAuth(), connections, messageRouter, codec,
                clock, config.softFrameLimit(), config.hardFrameLimit(), protection, dispatcher);
        metrics = new RouterMetrics(meterRegistry, new RouterMetrics.Sources(routingStats, connections, runs,
                protection, dispatcher.queue(), socketServer.stats(), pool, breakers, ready, socketServer, tracer));
        runs.addListener(metrics);
        RouterMetrics timed = metrics;
        socketServer.timers(timed::recordReply, timed::recordHandshake);
        socketServer.tracer(tracer);
        startMonitor(metrics);
        // a class first loaded while descriptors are exhausted fails for good (and opening its jar takes a
        // descriptor): load what a scrape and the health report use before anyone can connect
        meterRegistry.scrape();
        socketServer.start();
        socketServer.started().get(10, TimeUnit.SECONDS);
        if (config.httpPort() >= 0) {
            HealthReport report = new HealthReport(state, startedAt, socketServer, connections, runs,
                    () -> messageRouter.registry().types().size(), config.maxConnections(), clock, codec,
                    () -> cluster);
            report.health();
            report.readiness();
            HttpEndpoints endpoints = new HttpEndpoints(new InetSocketAddress(config.host(), config.httpPort()),
                    report::health, report::readiness, meterRegistry::scrape);
            endpoints.start();
            http = endpoints;
        }
        if (config.cluster() != null) {
            joinCluster(config.cluster());
        }
    }

    /**
     * Joins the cluster: presence of this node's users, delivery to other nodes, forwarded
     * {@code stop_agent}, shared per-user limits. Connects to Redis in the background: a router whose
     * Redis is down starts anyway, serving its own users, and joins once Redis answers.
     */
    private void joinCluster(ClusterSettings settings) {
        String host = settings.advertiseHost() != null ? settings.advertiseHost() : advertisedHost(config.host());
        int port = socketServer.port();
        String nodeId = settings.nodeId() != null ? settings.nodeId() : (host + "-" + port).replace(':', '.');
        RedisCluster.Address address = new RedisCluster.Address(nodeId, "ws://" + host + ":" + port
                + RouterSocketServer.CLIENT_PATH, "ws://" + host + ":" + port + MonitorEndpoint.PATH,
                http == null ? null : "http://" + host + ":" + http.port());
        RedisCluster node = new RedisCluster(settings, address, connections, runs, config.runTimeout(), clock,
                System.getenv(ClusterSettings.PASSWORD_ENV));
        connections.addListener(node);
        runs.addListener(node);
        connections.remote(node);
        protection.share(node.sharedLimits());
        node.bindMetrics(meterRegistry);
        cluster = node;
        node.start();
        log.info("cluster node {} joining over Redis at {}", nodeId, settings.redisForDisplay());
    }

    /** The cluster as this node sees it, with the nodes holding {@code userId} when it is not null. */
    ClusterView clusterView(String userId) {
        RedisCluster node = cluster;
        ClusterView view = node == null
                ? new ClusterView(config.host() + "-" + socketServer.port(), ClusterView.OFF, null, List.of(), null, null,
                        null)
                : new ClusterView(node.nodeId(), node.redisUp() ? ClusterView.OK : ClusterView.DEGRADED,
                        node.problem(), node.members(), null, null, node.users());
        if (userId == null) {
            return view;
        }
        List<String> holding = node != null ? node.nodesOf(userId)
                : connections.isOnline(userId) ? List.of(view.nodeId()) : List.of();
        return view.forUser(userId, holding);
    }

    /** The host other nodes reach this one at: the bound host, or this machine's name when bound to every address. */
    private static String advertisedHost(String host) {
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) {
            return host;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return host;
        }
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
        // once per JVM: the classes stay loaded, and a second run would feed a decimal and bad JSON
        // to a decode the JIT has compiled for a warmed-up JVM's traffic (serve --warmup), and undo it
        if (CODEC_CLASSES_LOADED.get()) {
            return;
        }
        codec.decode("{\"type\":\"ping\",\"message_id\":\"warm-up\",\"payload\":{\"n\":[1,2.5,true,null]}}");
        codec.decode("{");
        codec.encode(ServerEvent.builder(EventType.PONG).put("n", 1).build());
        CODEC_CLASSES_LOADED.set(true);
    }

    private void startMonitor(RouterMetrics metrics) {
        Squeezes squeezes = new Squeezes(dispatcher.queue()::limitUser, connections::limitOutbox);
        MonitorHub hub = new MonitorHub(clock, new MonitorSources(routingStats, messageRouter.registry(),
                connections, runs, protection, dispatcher.queue(), breakers, pool, metrics, () -> clusterView(null),
                squeezes),
                Duration.ofMillis(100), 10_000, config.monitorLimits().trafficPerUpdate(),
                config.monitorLimits().runsPerUpdate(), config.monitorLimits().snapshotConnections(), 2_000, 1_000);
        connections.addListener(hub);
        runs.addListener(hub);
        breakers.onTransition(hub::breakerChanged);
        pool.rollout().onTransition(hub::rolloutChanged);
        tracer.onDone(hub::traced);
        TrafficRecorder recorder = new TrafficRecorder(clock, Ticker.system(), config.softFrameLimit());
        this.recorder = recorder;
        runs.addListener(recorder);
        socketServer.traffic(TrafficListener.both(hub, recorder));
        socketServer.frameTap(recorder);
        monitorEndpoint = new MonitorEndpoint(hub, new OperatorCommands(connections, pool, protection, () -> tokens,
                config.devAuth(), clock, this::clusterView, breakers,
                type -> messageRouter.registry().find(type) != null, squeezes, this::schedule, tracer),
                recorder, config.monitorLimits());
        monitorEndpoint.onOperatorAction(hub::operatorAction);
        socketServer.sideEndpoint(MonitorEndpoint.PATH, monitorEndpoint);
        metrics.bindMonitor(monitorEndpoint);
        monitor = hub;
    }

    /** Closes idle connections and sweeps full rate-limit buckets, every quarter of the idle timeout (0.1 to 5 s). */
    void scheduleHousekeeping() {
        long every = Math.max(100, Math.min(5_000, config.idleTimeout().toMillis() / 4));
        scheduler.scheduleWithFixedDelay(() -> {
            connections.closeIdle(config.idleTimeout());
            protection.sweepRateLimits();
            breakers.pollWatched();
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once after {@code delay} on the router's scheduler. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Lets every part go: ends every run with {@code cancelled}, closes every socket with 1001, stops
     * the HTTP endpoints and the monitor, and releases all threads. Each step runs even when an earlier
     * one fails, so no thread outlives it.
     *
     * @return how many runs were cancelled
     */
    int release() {
        int cancelled = runs.shutdown("router shutting down");
        quietly("the cluster membership", () -> {
            RedisCluster node = cluster;
            if (node != null) {
                connections.remote(RemoteDelivery.NONE);
                protection.share(null);
                node.close();
            }
        });
        quietly("the WebSocket server", () -> {
            RouterSocketServer server = socketServer;
            if (server != null) {
                server.stop((int) config.stopTimeout().toMillis(), "router shutting down");
            }
        });
        quietly("the HTTP endpoints", () -> {
            HttpEndpoints endpoints = http;
            if (endpoints != null) {
                endpoints.stop();
            }
        });
        quietly("the monitor", () -> {
            MonitorHub hub = monitor;
            if (hub != null) {
                hub.close();
            }
            MonitorEndpoint endpoint = monitorEndpoint;
            if (endpoint != null) {
                endpoint.close();
            }
        });
        scheduler.shutdownNow();
        launcher.shutdownNow();
        quietly("the agent backends", pool::close);
        HttpStreams streams = agentHttp;
        if (streams != null) {
            quietly("the agent backends' HTTP client", streams::close);
        }
        return cancelled;
    }

    /** A step of {@link #release()} that may fail. */
    private interface ReleaseStep {
        void run() throws Exception;
    }

    private static void quietly(String what, ReleaseStep step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("stopping {} failed", what, e);
        }
    }
}
