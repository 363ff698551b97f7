package dev.switchboard.router;

import dev.switchboard.router.agents.AgentExecutor;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.monitor.EmbeddedRecording;
import dev.switchboard.router.monitor.MonitorEndpoint;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.routing.MessageHandler;
import dev.switchboard.router.routing.RoutingStats;
import dev.switchboard.router.transport.InProcessPipeline;
import dev.switchboard.router.transport.ListenerStatus;
import dev.switchboard.router.transport.RouterSocketServer;
import dev.switchboard.router.transport.TransportStats;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router: the one entry point of the transport, routing, handlers, agents and metrics, used
 * alike by the standalone server and by embedders such as the console.
 *
 * <pre>{@code
 * Router router = Router.builder().config(RouterConfig.builder().port(0).devAuth(true).build()).build();
 * router.start();
 * URI uri = router.clientUri();   // ws://127.0.0.1:<port>/ws
 * router.stop();
 * }</pre>
 *
 * <p>The embedder API is what this class offers publicly: the lifecycle ({@link #start()},
 * {@link #stop()}, {@link #state()}), where to connect ({@link #clientUri()}, {@link #port()},
 * {@link #httpPort()}), custom handlers ({@link #registerHandler}), server-pushed events
 * ({@link #emitToUser}), read-only views of what is happening ({@link #stats()},
 * {@link #connections()}, {@link #runsInFlight()}, {@link #transportStats()},
 * {@link #listenerStatus()}), the monitor feed and its commands ({@link #monitor()},
 * {@link #monitorCommand}), recording the traffic ({@link #record}), the metrics registry and the
 * socket-less pipeline for benchmarks.
 * Runtime changes to limits, rollouts and connections go through {@link #monitorCommand}, as an
 * operator's would; the parts themselves stay inside.
 *
 * <p>A router starts once: {@code start()} a second time, or after {@code stop()}, throws.
 * {@code stop()} is idempotent and may be called in any state.
 */
public final class Router implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /**
     * Where the router is in its life: {@code NEW → STARTING → READY} (or {@code DEGRADED} while the
     * agent executor is not warmed up) {@code → STOPPING → STOPPED}. {@code /health} and {@code /ready}
     * report it in lower case.
     */
    public enum State { NEW, STARTING, READY, DEGRADED, STOPPING, STOPPED }

    private final RouterLifecycle lifecycle = new RouterLifecycle();
    private final RouterWiring parts;
    private volatile Instant startedAt;

    private Router(Builder builder) {
        this.parts = new RouterWiring(builder.config, builder.clock, builder.agent, builder.meterRegistry,
                builder.handlers);
    }

    /** A builder with the default config, the system clock and simulated agents. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the WebSocket and HTTP ports and starts serving. Returns once both are listening; the
     * router becomes ready when the agent executor has warmed up (within the start-up grace period).
     *
     * @return this router
     * @throws IllegalStateException when already started or stopped, or when a port cannot be bound
     *                               (the router is stopped then)
     */
    public Router start() {
        lifecycle.beginStart();
        RouterConfig config = parts.config;
        startedAt = parts.clock.instant();
        try {
            parts.listen(lifecycle::state, lifecycle::isReady, () -> startedAt);
        } catch (ExecutionException | TimeoutException | IOException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            stop();
            throw new IllegalStateException("cannot listen on " + config.host() + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting", e);
        }
        parts.scheduleHousekeeping();
        parts.runs.warmUp().whenComplete((ignored, failure) -> warmedUp(failure));
        parts.schedule(this::graceExpired, config.startupGrace());
        log.info("Switchboard router listening on {} (http {}); at most {} connections, {} per user, {} handshaking"
                        + " (open-files limit {})", clientUri(), parts.http == null ? "off" : parts.http.port(),
                config.maxConnections(), config.maxConnectionsPerUser(), config.maxPendingHandshakes(),
                DescriptorBudget.processLimit());
        return this;
    }

    private void warmedUp(Throwable failure) {
        if (failure != null) {
            log.error("agent executor failed to warm up; agent runs will answer unavailable", failure);
            openGate(lifecycle.open(parts.runs.isReady() ? State.READY : State.DEGRADED));
            return;
        }
        openGate(lifecycle.open(State.READY));
    }

    private void graceExpired() {
        if (lifecycle.openIfStarting(parts.runs.isReady() ? State.READY : State.DEGRADED)) {
            log.warn("agent executor not ready after the {} start-up grace; serving without it",
                    parts.config.startupGrace());
            openGate(true);
        }
    }

    /** Lets queued messages through once the lifecycle says the gate is open. */
    private void openGate(boolean open) {
        if (open) {
            parts.socketServer.resumeDispatch();
        }
    }

    /**
     * The WebSocket listener's state now: whether it accepts connections, since when, why not.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public ListenerStatus listenerStatus() {
        return started().listenerStatus();
    }

    /**
     * Stops the router: refuses new connections, ends every run with {@code agent_completed}
     * {@code cancelled}, closes every socket with 1001 and releases all threads. Idempotent, and
     * safe in any state (a router never started just releases its threads).
     */
    public void stop() {
        if (!lifecycle.beginStop()) {
            return;
        }
        int cancelled = parts.release();
        lifecycle.stopped();
        log.info("Switchboard router stopped ({} runs cancelled)", cancelled);
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * The bound WebSocket port (useful after starting on port 0).
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public int port() {
        return started().port();
    }

    /**
     * The bound HTTP port, or -1 when the HTTP endpoints are off.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public int httpPort() {
        started();
        return parts.http == null ? -1 : parts.http.port();
    }

    /**
     * Where clients connect: {@code ws://host:port/ws}.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public URI clientUri() {
        return URI.create("ws://" + parts.config.host() + ":" + port() + RouterSocketServer.CLIENT_PATH);
    }

    private RouterSocketServer started() {
        RouterSocketServer server = parts.socketServer;
        if (server == null) {
            throw new IllegalStateException("router not started");
        }
        return server;
    }

    /** Where the router is in its life now. */
    public State state() {
        return lifecycle.state();
    }

    /** Whether {@code /ready} answers 200: started and the agent executor warmed up. */
    public boolean isReady() {
        return lifecycle.isReady();
    }

    /** The configuration the router was built with (immutable). */
    public RouterConfig config() {
        return parts.config;
    }

    /**
     * Registers a custom handler; it serves {@code type} instead of any built-in one until removed.
     * Allowed before and after start.
     *
     * @return the custom handler it replaced, or null
     */
    public MessageHandler registerHandler(String type, MessageHandler handler) {
        return parts.messageRouter.registry().register(type, handler);
    }

    /**
     * Removes a custom handler; the built-in one, if any, serves the type again.
     *
     * @return whether a custom handler was registered for {@code type}
     */
    public boolean unregisterHandler(String type) {
        return parts.messageRouter.registry().unregister(type);
    }

    /**
     * The router's inbound pipeline without sockets (decode, validate, classify, rate-limit, queue,
     * handle, encode), run on the caller's thread against this router's handlers and limits; every
     * frame it would send goes to {@code replies}. For benchmarks: the router need not be started
     * for messages that start no agent run.
     */
    public InProcessPipeline inProcessPipeline(Consumer<String> replies) {
        return new InProcessPipeline(parts.codec, parts.protection, parts.messageRouter, parts.config.queue(),
                parts.config.softFrameLimit(), replies).tracer(parts.tracer);
    }

    /**
     * Sends an event to every connection of {@code userId}.
     *
     * @return how many connections it was queued on (0 when the user is not connected)
     */
    public int emitToUser(String userId, ServerEvent event) {
        return parts.connections.emitToUser(userId, event);
    }

    /**
     * The cluster as this node sees it: its name, whether Redis answers, the members (empty for a
     * router alone), and with {@code userId} the nodes holding a connection of that user.
     *
     * @param userId a user to locate, or null
     * @throws IllegalStateException before {@link #start()}
     */
    public ClusterView cluster(String userId) {
        started();
        return parts.clusterView(userId);
    }

    /**
     * This node's name: its cluster node id, or {@code <host>-<port>} for a router alone.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public String nodeId() {
        return cluster(null).nodeId();
    }

    /** The routing statistics now (a snapshot). */
    public RoutingStats.Snapshot stats() {
        return parts.routingStats.snapshot();
    }

    /** Every open connection now, by user then connection time (a read-only copy). */
    public List<ConnectionInfo> connections() {
        return List.copyOf(parts.connections.connections());
    }

    /** Every agent run in flight now (a read-only copy). */
    public List<RunInfo> runsInFlight() {
        return List.copyOf(parts.runs.inFlight());
    }

    /**
     * The monitor feed: a snapshot and coalesced updates (at most 10 a second), the same documents
     * {@code ws://host:port/monitor} sends.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public RouterFeed monitor() {
        started();
        return parts.monitor;
    }

    /**
     * Runs a monitor command (as {@code /monitor} documents them) with the operator role: what an
     * embedding console uses for its operator actions (disconnects, rollouts, rate limits, tokens).
     *
     * @return the command's reply document
     * @throws IllegalStateException before {@link #start()}
     */
    public ObjectNode monitorCommand(JsonNode command) {
        started();
        return parts.monitorEndpoint.command(MonitorEndpoint.EMBEDDER, Role.OPERATOR, command);
    }

    /**
     * Records the router's traffic for the embedding process, as the monitor command {@code record}
     * does for a {@code /monitor} connection (see {@code protocol.md}): every text frame clients
     * send (its text masked to same-length filler, but ids, types and names, unless
     * {@code keepContent}), every error sent back and every run's start and end, in the order the
     * router saw them. {@code frames} receives the {@code recording} frames' JSON (at most ten a
     * second), then one {@code recording_ended}, on a thread of the recording's own; a consumer
     * that falls {@value EmbeddedRecording#MAX_WAITING} frames behind loses entries, counted in the
     * next frame's {@code dropped}. Audited as an operator action of {@value MonitorEndpoint#EMBEDDER}
     * and counted in {@code switchboard_operator_actions_total{action="record"}}, like the command.
     *
     * <pre>{@code
     * EmbeddedRecording recording = router.record(false, Duration.ofMinutes(10), frames::add);
     * ...
     * recording.stop();              // the rest comes, then recording_ended
     * recording.ended().join();      // "stopped"
     * }</pre>
     *
     * @param keepContent whether text is handed over as it was
     * @param forTime     how long, 1 s to 1 h: the recording ends by itself then ({@code expired})
     * @param frames      receives each frame's JSON; may be slow, but frames behind it are dropped
     * @return the recording, to stop (or close at once)
     * @throws IllegalArgumentException when {@code forTime} is outside 1 s to 1 h
     * @throws IllegalStateException    before {@link #start()}, or when the router runs the most
     *                                  recordings it runs at once (4)
     */
    public EmbeddedRecording record(boolean keepContent, Duration forTime, Consumer<String> frames) {
        started();
        return parts.monitorEndpoint.record(MonitorEndpoint.EMBEDDER, keepContent, forTime, frames);
    }

    /**
     * Messages waiting in the dispatch queue in one class now.
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public int queueDepth(Priority priority) {
        started();
        return parts.dispatcher.queue().depth(priority);
    }

    /**
     * Transport counters: handshakes refused by reason, closes by code (read-only).
     *
     * @throws IllegalStateException before {@link #start()}
     */
    public TransportStats transportStats() {
        return started().stats();
    }

    /** The Prometheus registry behind {@code /metrics} (the one given to the builder, or the router's own). */
    public PrometheusMeterRegistry meterRegistry() {
        return parts.meterRegistry;
    }

    /** The protection pipeline, changeable at runtime (tests and the router's own wiring; not for embedders). */
    Protection protection() {
        return parts.protection;
    }

    /** The agent backends, their strategy and the rollout (tests; embedders use monitor commands). */
    BackendPool backends() {
        return parts.pool;
    }

    /** The WebSocket server once started, else null (tests). */
    RouterSocketServer socketServer() {
        return parts.socketServer;
    }

    /** Every circuit breaker (handlers and backends) and its transitions (tests). */
    Breakers breakers() {
        return parts.breakers;
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

        /** The configuration; default {@code RouterConfig.builder().build()}. */
        public Builder config(RouterConfig value) {
            this.config = Objects.requireNonNull(value, "config must not be null");
            return this;
        }

        /** The wall clock for timestamps, tokens, TTLs and rate-limit refills; default the system clock (UTC). */
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

        /** Builds the router's parts (threads included); nothing listens before {@link Router#start()}. */
        public Router build() {
            return new Router(this);
        }
    }
}
