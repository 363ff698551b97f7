package dev.switchboard.router;

import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.BackendStrategy;
import dev.switchboard.router.agents.RolloutSpec;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.cluster.ClusterSettings;
import dev.switchboard.router.monitor.MonitorLimits;
import dev.switchboard.router.protection.BreakerPolicy;
import dev.switchboard.router.protection.ClassificationRule;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.ValidationPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link Router} can be told, immutable and checked at build time. Build with
 * {@link #builder()}; every setting has the documented default.
 */
public final class RouterConfig {
    /** Default WebSocket port. */
    public static final int DEFAULT_PORT = 8765;
    /** Default HTTP port for {@code /health}, {@code /ready} and {@code /metrics}. */
    public static final int DEFAULT_HTTP_PORT = 8766;
    /** The share of messages traced when no sample is given and dev auth is off: one in a hundred. */
    public static final double DEFAULT_TRACE_SAMPLE = 0.01;
    /** Sampled messages traced a second, at most, when not given. */
    public static final int DEFAULT_TRACE_PER_SECOND = 200;

    private final String host;
    private final int port;
    private final int httpPort;
    private final boolean devAuth;
    private final String jwtSecret;
    private final Duration idleTimeout;
    private final int softFrameLimit;
    private final int hardFrameLimit;
    private final int outboxLimit;
    private final Duration startupGrace;
    private final Duration runTimeout;
    private final int maxRunsInFlight;
    private final SimulatedAgent.Settings agent;
    private final RateLimitPolicy rateLimits;
    private final ValidationPolicy validation;
    private final List<ClassificationRule> classification;
    private final QueuePolicy queue;
    private final List<BackendSpec> backends;
    private final String strategy;
    private final RolloutSpec rollout;
    private final BreakerPolicy breakers;
    private final Duration stopTimeout;
    private final int maxConnections;
    private final int maxConnectionsPerUser;
    private final int maxPendingHandshakes;
    private final Duration handshakeTimeout;
    private final int maxRequestLineBytes;
    private final int maxHeaderBytes;
    private final long outboxBytes;
    /** The bytes every connection's outbox may hold together; 0: an eighth of the heap. */
    private final long outboxTotalBytes;
    private final int socketSendBuffer;
    private final Duration closeGrace;
    private final int ioThreads;
    private final MonitorLimits monitorLimits;
    private final Duration tokenClockSkew;
    private final Duration maxTokenLifetime;
    private final ClusterSettings cluster;
    private final double traceSample;
    /** The sample as given, or null: a copy through {@link #toBuilder()} derives it again from its dev auth. */
    private final Double traceSampleGiven;
    private final int traceRing;
    private final int tracePerSecond;

    private RouterConfig(Builder b) {
        this.host = Objects.requireNonNull(b.host, "host must not be null");
        this.port = requirePort(b.port, "port");
        this.httpPort = b.httpPort == -1 ? -1 : requirePort(b.httpPort, "httpPort");
        this.devAuth = b.devAuth != null ? b.devAuth : isLoopback(host);
        this.traceSampleGiven = b.traceSample;
        this.traceSample = b.traceSample != null ? b.traceSample : devAuth ? 1.0 : DEFAULT_TRACE_SAMPLE;
        if (!(traceSample >= 0 && traceSample <= 1)) {
            throw new IllegalArgumentException("traceSample must be between 0 and 1");
        }
        this.traceRing = b.traceRing;
        this.tracePerSecond = b.tracePerSecond;
        if (tracePerSecond < 0 || tracePerSecond > 1_000_000) {
            throw new IllegalArgumentException("tracePerSecond must be 0 (no bound) to 1,000,000");
        }
        if (traceRing < 1 || traceRing > 100_000) {
            // a trace holds about 3 KB: 100,000 is some 300 MB of heap already
            throw new IllegalArgumentException("traceRing must be 1 to 100,000");
        }
        this.jwtSecret = b.jwtSecret;
        this.idleTimeout = requirePositive(b.idleTimeout, "idleTimeout");
        this.softFrameLimit = b.softFrameLimit;
        this.hardFrameLimit = b.hardFrameLimit;
        if (softFrameLimit < 256 || hardFrameLimit < softFrameLimit) {
            throw new IllegalArgumentException("softFrameLimit must be at least 256 bytes and at most hardFrameLimit");
        }
        this.outboxLimit = requireAtLeastOne(b.outboxLimit, "outboxLimit");
        this.startupGrace = requireNotNegative(b.startupGrace, "startupGrace");
        this.runTimeout = requirePositive(b.runTimeout, "runTimeout");
        this.maxRunsInFlight = requireAtLeastOne(b.maxRunsInFlight, "maxRunsInFlight");
        this.agent = Objects.requireNonNull(b.agent, "agent must not be null");
        this.rateLimits = Objects.requireNonNull(b.rateLimits, "rateLimits must not be null");
        this.validation = Objects.requireNonNull(b.validation, "validation must not be null");
        this.classification = List.copyOf(b.classification);
        this.queue = Objects.requireNonNull(b.queue, "queue must not be null");
        this.backends = List.copyOf(b.backends);
        this.strategy = BackendStrategy.named(b.strategy).name();
        this.rollout = Objects.requireNonNull(b.rollout, "rollout must not be null");
        this.breakers = Objects.requireNonNull(b.breakers, "breakers must not be null");
        this.stopTimeout = requireNotNegative(b.stopTimeout, "stopTimeout");
        this.ioThreads = b.ioThreads > 0 ? b.ioThreads : Runtime.getRuntime().availableProcessors();
        DescriptorBudget budget = DescriptorBudget.of(DescriptorBudget.processLimit(), DescriptorBudget.processInUse(),
                ioThreads, Runtime.getRuntime().maxMemory());
        this.maxPendingHandshakes = b.maxPendingHandshakes > 0 ? b.maxPendingHandshakes : budget.pendingHandshakes();
        this.maxConnections = b.maxConnections > 0 ? b.maxConnections : budget.connections();
        this.maxConnectionsPerUser = requireAtLeastOne(b.maxConnectionsPerUser, "maxConnectionsPerUser");
        this.handshakeTimeout = requirePositive(b.handshakeTimeout, "handshakeTimeout");
        this.maxRequestLineBytes = b.maxRequestLineBytes;
        this.maxHeaderBytes = b.maxHeaderBytes;
        if (maxRequestLineBytes < 256 || maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxRequestLineBytes must be at least 256 and maxHeaderBytes at least 1024");
        }
        this.outboxBytes = b.outboxBytes;
        if (outboxBytes < 1024) {
            throw new IllegalArgumentException("outboxBytes must be at least 1024");
        }
        this.outboxTotalBytes = b.outboxTotalBytes;
        if (outboxTotalBytes != 0 && outboxTotalBytes < 1024) {
            throw new IllegalArgumentException("outboxTotalBytes must be 0 (an eighth of the heap) or at least 1024");
        }
        this.socketSendBuffer = b.socketSendBuffer;
        if (socketSendBuffer < 4096) {
            throw new IllegalArgumentException("socketSendBuffer must be at least 4096");
        }
        this.closeGrace = requireNotNegative(b.closeGrace, "closeGrace");
        this.monitorLimits = Objects.requireNonNull(b.monitorLimits, "monitorLimits must not be null");
        this.tokenClockSkew = requireNotNegative(b.tokenClockSkew, "tokenClockSkew");
        this.maxTokenLifetime = requirePositive(b.maxTokenLifetime, "maxTokenLifetime");
        this.cluster = b.cluster;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).httpPort(httpPort).devAuth(devAuth).jwtSecret(jwtSecret)
                .idleTimeout(idleTimeout).softFrameLimit(softFrameLimit).hardFrameLimit(hardFrameLimit)
                .outboxLimit(outboxLimit).startupGrace(startupGrace)
                .runTimeout(runTimeout).maxRunsInFlight(maxRunsInFlight)
                .agent(agent).rateLimits(rateLimits).validation(validation).classification(classification)
                .queue(queue).backends(backends).strategy(strategy).rollout(rollout).breakers(breakers)
                .stopTimeout(stopTimeout).maxConnections(maxConnections).maxConnectionsPerUser(maxConnectionsPerUser)
                .maxPendingHandshakes(maxPendingHandshakes).handshakeTimeout(handshakeTimeout)
                .maxRequestLineBytes(maxRequestLineBytes).maxHeaderBytes(maxHeaderBytes).outboxBytes(outboxBytes)
                .outboxTotalBytes(outboxTotalBytes).socketSendBuffer(socketSendBuffer).closeGrace(closeGrace).ioThreads(ioThreads)
                .monitorLimits(monitorLimits).tokenClockSkew(tokenClockSkew).maxTokenLifetime(maxTokenLifetime).cluster(cluster)
                .traceSample(traceSampleGiven).traceRing(traceRing).tracePerSecond(tracePerSecond);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static int requirePort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0 to 65535");
        }
        return port;
    }

    private static int requireAtLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return value;
    }

    private static Duration requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return value;
    }

    private static Duration requireNotNegative(Duration value, String name) {
        Objects.requireNonNull(value, name + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return value;
    }

    /** The address the servers bind to; default 127.0.0.1. */
    public String host() {
        return host;
    }

    /** WebSocket port; 0 picks a free one. Default 8765. */
    public int port() {
        return port;
    }

    /** HTTP port; 0 picks a free one, -1 turns the HTTP endpoints off. Default 8766. */
    public int httpPort() {
        return httpPort;
    }

    /**
     * Whether {@code ?user=} is accepted without a token. Default: on when the router binds a
     * loopback address (an embedded router on a laptop), off otherwise. The standalone server turns
     * it off unless {@code --dev-auth} is given.
     */
    public boolean devAuth() {
        return devAuth;
    }

    /** The HS256 secret, or null when tokens are not accepted. */
    public String jwtSecret() {
        return jwtSecret;
    }

    /** A connection with no incoming frame for this long is closed with 1001. Default 300 s. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Frames over this many bytes get {@code too_large}. Default 64 KiB. */
    public int softFrameLimit() {
        return softFrameLimit;
    }

    /** Frames over this many bytes close the connection with 1009. Default 1 MiB. */
    public int hardFrameLimit() {
        return hardFrameLimit;
    }

    /** Frames a connection may have queued for sending before it is closed with 1013. Default 1024. */
    public int outboxLimit() {
        return outboxLimit;
    }

    /** How long to hold messages while the agent executor warms up. Default 10 s. */
    public Duration startupGrace() {
        return startupGrace;
    }

    /** A run still going after this ends as failed with error {@code timeout}. Default 60 s. */
    public Duration runTimeout() {
        return runTimeout;
    }

    /** Runs in flight at most; past it, {@code overloaded}. Default 10,000. */
    public int maxRunsInFlight() {
        return maxRunsInFlight;
    }

    /** The simulated agent's behaviour (used when no executor is given to the builder). */
    public SimulatedAgent.Settings agent() {
        return agent;
    }

    /**
     * Token buckets: per user and per connection 100 a minute with bursts of 20; {@code ping} and
     * {@code heartbeat} 120 a minute with bursts of 20, per user.
     */
    public RateLimitPolicy rateLimits() {
        return rateLimits;
    }

    /** What validation enforces: field counts, string sizes, control characters, markup. */
    public ValidationPolicy validation() {
        return validation;
    }

    /** Classification rules, first match wins; default {@link ClassificationRule#defaults()}. */
    public List<ClassificationRule> classification() {
        return classification;
    }

    /** The dispatch queue: capacity, per-user share, workers, per-class TTLs. */
    public QueuePolicy queue() {
        return queue;
    }

    /**
     * Simulated agent backends; empty (the default) means one backend built from {@link #agent()},
     * named after it ({@code simulated}).
     */
    public List<BackendSpec> backends() {
        return backends;
    }

    /** How runs are spread over the stable backends: round_robin (default), weighted, least_loaded, user_sticky. */
    public String strategy() {
        return strategy;
    }

    /** The initial rollout of a candidate backend; default off. */
    public RolloutSpec rollout() {
        return rollout;
    }

    /** How handler and backend circuit breakers trip and recover. */
    public BreakerPolicy breakers() {
        return breakers;
    }

    /** How long {@link Router#stop()} waits for sockets to close. Default 5 s. */
    public Duration stopTimeout() {
        return stopTimeout;
    }

    /**
     * Open WebSocket connections at most (clients and monitors); over it a handshake is refused with
     * 503. Default: derived from the process's open-files limit ({@link DescriptorBudget}).
     */
    public int maxConnections() {
        return maxConnections;
    }

    /** Connections one user may have open at once; over it a handshake is refused with 429. Default 16. */
    public int maxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    /**
     * Sockets accepted but not yet upgraded, at most; a socket over it is closed at once. Default:
     * derived from the open-files limit ({@link DescriptorBudget}).
     */
    public int maxPendingHandshakes() {
        return maxPendingHandshakes;
    }

    /** A socket that has not completed its WebSocket upgrade by then is closed. Default 10 s. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The handshake's request line (method, URL, version) at most; over it 414. Default 8 KiB. */
    public int maxRequestLineBytes() {
        return maxRequestLineBytes;
    }

    /** The handshake's header lines together at most; over it 431. Default 16 KiB. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** Bytes a connection may have queued for sending before it is closed with 1013. Default 256 KiB. */
    public long outboxBytes() {
        return outboxBytes;
    }

    /**
     * Bytes every connection's outbox may hold together. Over it, a connection that holds an eighth
     * of its own {@link #outboxBytes()} or more is closed with 1013 at its next frame, so that many
     * slow readers together cannot exhaust the heap while each is under its own bound. Default (0):
     * an eighth of the JVM's maximum heap.
     */
    public long outboxTotalBytes() {
        return outboxTotalBytes != 0 ? outboxTotalBytes : Runtime.getRuntime().maxMemory() / 8;
    }

    /** Each connection's kernel send buffer (SO_SNDBUF), fixed so what a slow reader holds is bounded. Default 64 KiB. */
    public int socketSendBuffer() {
        return socketSendBuffer;
    }

    /** How long a connection the router closes may take to read its close frame before it is aborted. Default 2 s. */
    public Duration closeGrace() {
        return closeGrace;
    }

    /** Threads serving socket I/O. Default: one per core. */
    public int ioThreads() {
        return ioThreads;
    }

    /** Limits of each {@code /monitor} connection. */
    public MonitorLimits monitorLimits() {
        return monitorLimits;
    }

    /** The share of messages traced (0 to 1): by default 1 with dev auth, else 0.01. */
    public double traceSample() {
        return traceSample;
    }

    /** Traces kept, the oldest dropped first. Default 10,000. */
    public int traceRing() {
        return traceRing;
    }

    /**
     * Of the messages the sample picks, the most traced a second (0: no bound; an operator's
     * {@code trace_user} is not bounded by it). Default 200.
     */
    public int tracePerSecond() {
        return tracePerSecond;
    }

    /** How far a token's {@code nbf} and {@code exp} may be off the router's clock. Default 60 s. */
    public Duration tokenClockSkew() {
        return tokenClockSkew;
    }

    /** How far ahead a user token (no role) may expire; a longer-lived one is refused. Default 24 h. */
    public Duration maxTokenLifetime() {
        return maxTokenLifetime;
    }

    /**
     * How this router joins a cluster of nodes over Redis, or null (the default) for a router alone.
     * See {@code src/docs/cluster.md}.
     */
    public ClusterSettings cluster() {
        return cluster;
    }

    /** Builds a {@link RouterConfig}; every setting starts at its default. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private int httpPort = DEFAULT_HTTP_PORT;
        private Boolean devAuth;
        private String jwtSecret;
        private Duration idleTimeout = Duration.ofSeconds(300);
        private int softFrameLimit = 64 * 1024;
        private int hardFrameLimit = 1024 * 1024;
        private int outboxLimit = 1024;
        private Duration startupGrace = Duration.ofSeconds(10);
        private Duration runTimeout = Duration.ofSeconds(60);
        private int maxRunsInFlight = 10_000;
        private SimulatedAgent.Settings agent = SimulatedAgent.Settings.defaults();
        private RateLimitPolicy rateLimits = RateLimitPolicy.defaults();
        private ValidationPolicy validation = ValidationPolicy.defaults();
        private List<ClassificationRule> classification = ClassificationRule.defaults();
        private QueuePolicy queue = QueuePolicy.defaults();
        private List<BackendSpec> backends = List.of();
        private String strategy = "round_robin";
        private RolloutSpec rollout = RolloutSpec.off();
        private BreakerPolicy breakers = BreakerPolicy.defaults();
        private Duration stopTimeout = Duration.ofSeconds(5);
        private int maxConnections;
        private int maxConnectionsPerUser = 16;
        private int maxPendingHandshakes;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int maxRequestLineBytes = 8 * 1024;
        private int maxHeaderBytes = 16 * 1024;
        private long outboxBytes = 256 * 1024;
        private long outboxTotalBytes;
        private int socketSendBuffer = 64 * 1024;
        private Duration closeGrace = Duration.ofSeconds(2);
        private int ioThreads;
        private MonitorLimits monitorLimits = MonitorLimits.defaults();
        private Double traceSample;
        private int traceRing = 10_000;
        private int tracePerSecond = DEFAULT_TRACE_PER_SECOND;
        private Duration tokenClockSkew = TokenService.DEFAULT_CLOCK_SKEW;
        private Duration maxTokenLifetime = TokenService.DEFAULT_MAX_USER_LIFETIME;
        private ClusterSettings cluster;

        /** Joins a cluster over Redis; null (the default) for a router alone. */
        public Builder cluster(ClusterSettings value) {
            this.cluster = value;
            return this;
        }

        public Builder tokenClockSkew(Duration value) {
            this.tokenClockSkew = value;
            return this;
        }

        public Builder maxTokenLifetime(Duration value) {
            this.maxTokenLifetime = value;
            return this;
        }

        private Builder() {
        }

        /** Open connections at most; 0 derives it from the open-files limit. */
        public Builder maxConnections(int value) {
            this.maxConnections = value;
            return this;
        }

        public Builder maxConnectionsPerUser(int value) {
            this.maxConnectionsPerUser = value;
            return this;
        }

        /** Sockets still handshaking at most; 0 derives it from the open-files limit. */
        public Builder maxPendingHandshakes(int value) {
            this.maxPendingHandshakes = value;
            return this;
        }

        public Builder handshakeTimeout(Duration value) {
            this.handshakeTimeout = value;
            return this;
        }

        public Builder maxRequestLineBytes(int value) {
            this.maxRequestLineBytes = value;
            return this;
        }

        public Builder maxHeaderBytes(int value) {
            this.maxHeaderBytes = value;
            return this;
        }

        public Builder outboxBytes(long value) {
            this.outboxBytes = value;
            return this;
        }

        /** See {@link RouterConfig#outboxTotalBytes()}; 0 for an eighth of the heap. */
        public Builder outboxTotalBytes(long value) {
            this.outboxTotalBytes = value;
            return this;
        }

        public Builder socketSendBuffer(int value) {
            this.socketSendBuffer = value;
            return this;
        }

        public Builder closeGrace(Duration value) {
            this.closeGrace = value;
            return this;
        }

        /** I/O threads; 0 means one per core. */
        public Builder ioThreads(int value) {
            this.ioThreads = value;
            return this;
        }

        public Builder monitorLimits(MonitorLimits value) {
            this.monitorLimits = value;
            return this;
        }

        /** The share of messages traced, 0 to 1; null for the default (1 with dev auth, else 0.01). */
        public Builder traceSample(Double value) {
            this.traceSample = value;
            return this;
        }

        public Builder traceRing(int value) {
            this.traceRing = value;
            return this;
        }

        /** Of the messages the sample picks, the most traced a second; 0 for no bound. */
        public Builder tracePerSecond(int value) {
            this.tracePerSecond = value;
            return this;
        }

        public Builder host(String value) {
            this.host = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder httpPort(int value) {
            this.httpPort = value;
            return this;
        }

        /** Turns dev auth on or off; null means on exactly when {@link #host} is a loopback address. */
        public Builder devAuth(Boolean value) {
            this.devAuth = value;
            return this;
        }

        public Builder jwtSecret(String value) {
            this.jwtSecret = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        public Builder softFrameLimit(int value) {
            this.softFrameLimit = value;
            return this;
        }

        public Builder hardFrameLimit(int value) {
            this.hardFrameLimit = value;
            return this;
        }

        public Builder outboxLimit(int value) {
            this.outboxLimit = value;
            return this;
        }

        public Builder startupGrace(Duration value) {
            this.startupGrace = value;
            return this;
        }

        public Builder runTimeout(Duration value) {
            this.runTimeout = value;
            return this;
        }

        public Builder maxRunsInFlight(int value) {
            this.maxRunsInFlight = value;
            return this;
        }

        public Builder agent(SimulatedAgent.Settings value) {
            this.agent = value;
            return this;
        }

        public Builder rateLimits(RateLimitPolicy value) {
            this.rateLimits = value;
            return this;
        }

        public Builder validation(ValidationPolicy value) {
            this.validation = value;
            return this;
        }

        public Builder classification(List<ClassificationRule> value) {
            this.classification = Objects.requireNonNull(value, "classification must not be null");
            return this;
        }

        public Builder queue(QueuePolicy value) {
            this.queue = value;
            return this;
        }

        public Builder backends(List<BackendSpec> value) {
            this.backends = Objects.requireNonNull(value, "backends must not be null");
            return this;
        }

        public Builder strategy(String value) {
            this.strategy = Objects.requireNonNull(value, "strategy must not be null");
            return this;
        }

        public Builder rollout(RolloutSpec value) {
            this.rollout = value;
            return this;
        }

        public Builder breakers(BreakerPolicy value) {
            this.breakers = value;
            return this;
        }

        public Builder stopTimeout(Duration value) {
            this.stopTimeout = value;
            return this;
        }

        public RouterConfig build() {
            return new RouterConfig(this);
        }
    }
}
