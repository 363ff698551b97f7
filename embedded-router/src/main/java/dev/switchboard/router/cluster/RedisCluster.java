package dev.switchboard.router.cluster;

import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.agents.RemoteRuns;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionListener;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.connections.RemoteDelivery;
import dev.switchboard.router.monitor.wire.ClusterNode;
import dev.switchboard.router.protection.SharedLimits;
import dev.switchboard.router.protocol.Json;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultEventLoopGroupProvider;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.Transports;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership of a cluster over Redis (Lettuce): presence (user → nodes), delivery of a
 * user's events to the other nodes holding the user (one channel per node, never a broadcast),
 * {@code stop_agent} forwarded to the run's owner, per-user rate limits shared through Bucket4j,
 * heartbeats and the member list. Every Redis call is asynchronous: with Redis down the node keeps
 * serving its own users, counts what could not cross, says {@code degraded} and rejoins by itself
 * when Redis is back. {@code src/docs/cluster.md} describes it for operators.
 */
public final class RedisCluster implements RemoteDelivery, RemoteRuns, ConnectionListener, RunListener,
        AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration STOP_ANSWER_WITHIN = Duration.ofSeconds(2);
    /** Every this many heartbeats the node re-asserts its users and rereads everyone else's. */
    private static final int RESYNC_EVERY = 10;
    /** How long a node that left stays listed as down. */
    private static final Duration FORGET_DOWN_AFTER = Duration.ofMinutes(10);
    private static final int PRESENCE_STRIPES = 64;
    /** Commands waiting on one Redis connection at most (events to forward, mostly). */
    private static final int MAX_QUEUED_COMMANDS = 100_000;

    /**
     * Where this node is reached.
     *
     * @param nodeId     its name in the cluster
     * @param clientUrl  {@code ws://host:port/ws}
     * @param monitorUrl {@code ws://host:port/monitor}
     * @param httpUrl    {@code http://host:port}, or null when the HTTP endpoints are off
     */
    public record Address(String nodeId, String clientUrl, String monitorUrl, String httpUrl) {
    }

    private final ClusterSettings settings;
    private final Address self;
    private final ConnectionRegistry connections;
    private final AgentRuns runs;
    private final Clock clock;
    private final Duration runKeyTtl;
    private final ScheduledExecutorService timer;
    /** The I/O threads of the inbox and shared-limit connections. */
    private final ClientResources resources;
    private final RedisClient client;
    /** The one I/O thread of the connection that publishes, which also drains the forwarder. */
    private final EventLoopGroupProvider publishThreads;
    private final ClientResources publishResources;
    private final RedisClient publishClient;
    private final RedisURI uri;
    private final Instant startedAt;
    private final RemotePresence presence = new RemotePresence();
    private final Map<String, ClusterNode> members = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> pendingStops = new ConcurrentHashMap<>();
    private final Object[] presenceLocks = new Object[PRESENCE_STRIPES];
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicLong stopRequests = new AtomicLong();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder undelivered = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder stopsForwarded = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder unconfirmed = new LongAdder();
    private final Forwarder forwarder;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> subscriber;
    private volatile StatefulRedisConnection<String, byte[]> bucketConnection;
    private volatile RedisBuckets buckets;
    private volatile boolean up;
    private volatile boolean closed;
    private volatile String lastProblem = "not connected yet";
    private int beats;
    /** When a heartbeat was last answered (epoch ms; touched on the cluster thread only). */
    private long lastHeardAt;

    /**
     * @param settings    the cluster settings
     * @param self        where this node is reached
     * @param connections this node's connections
     * @param runs        this node's runs
     * @param runTimeout  the longest a run lasts (a run's owner entry outlives it by the node TTL)
     * @param clock       the wall clock of heartbeats
     * @param password    Redis's password, or null
     */
    public RedisCluster(ClusterSettings settings, Address self, ConnectionRegistry connections, AgentRuns runs,
                        Duration runTimeout, Clock clock, String password) {
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.self = Objects.requireNonNull(self, "self must not be null");
        this.connections = Objects.requireNonNull(connections, "connections must not be null");
        this.runs = Objects.requireNonNull(runs, "runs must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.runKeyTtl = runTimeout.plus(settings.nodeTtl());
        this.startedAt = clock.instant();
        for (int i = 0; i < presenceLocks.length; i++) {
            presenceLocks[i] = new Object();
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "switchboard-cluster");
            thread.setDaemon(true);
            return thread;
        });
        RedisURI.Builder uri = RedisURI.builder(RedisURI.create(settings.redis())).withTimeout(COMMAND_TIMEOUT);
        if (password != null && !password.isEmpty()) {
            uri.withPassword(password.toCharArray());
        }
        this.uri = uri.build();
        this.resources = resources(ClientResources.builder().ioThreadPoolSize(2));
        this.client = client(resources);
        // publishes get an I/O thread of their own (Lettuce's pools have two at least, so the pool is
        // made here), and events are batched into them on that thread: a publish made there is
        // written to the socket at once, with no hand-over in between
        this.publishThreads = new DefaultEventLoopGroupProvider(1);
        this.publishResources = resources(ClientResources.builder().eventLoopGroupProvider(publishThreads));
        // one thread: the group runs everything on it, in order
        Executor publishLoop = publishThreads.allocate(Transports.eventLoopGroupClass());
        this.publishClient = client(publishResources);
        members.put(self.nodeId(), describeSelf(clock.millis()));
        this.forwarder = new Forwarder(this::publish, publishLoop, undelivered::increment);
    }

    private ClientResources resources(ClientResources.Builder threads) {
        // Lettuce's own per-command latency recording is off: nothing reads it
        return threads.computationThreadPoolSize(2).commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .reconnectDelay(Delay.constant(Duration.ofMillis(Math.min(1_000, settings.heartbeat().toMillis()))))
                .build();
    }

    private RedisClient client(ClientResources threads) {
        RedisClient created = RedisClient.create(threads, uri);
        created.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // a Redis that stalls must not grow an endless backlog: past it, commands fail at once
                .requestQueueSize(MAX_QUEUED_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT)).build());
        created.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                down("the connection to Redis was lost");
            }
        });
        return created;
    }

    /** Starts heartbeating; connects to Redis in the background (and keeps trying while it is down). */
    public void start() {
        long every = settings.heartbeat().toMillis();
        timer.scheduleAtFixedRate(this::beat, 0, every, TimeUnit.MILLISECONDS);
    }

    /** This node's name. */
    public String nodeId() {
        return self.nodeId();
    }

    /** Whether Redis answers: cross-node delivery, shared limits and membership work. */
    public boolean redisUp() {
        return up;
    }

    /** The last Redis problem in words, or null while Redis is up. */
    public String problem() {
        return up ? null : lastProblem;
    }

    /** The cluster's nodes as this node knows them, this node first, then by id. */
    public List<ClusterNode> members() {
        members.put(self.nodeId(), describeSelf(clock.millis()));
        List<ClusterNode> list = new ArrayList<>(members.values());
        list.sort(Comparator.comparing((ClusterNode node) -> !node.nodeId().equals(self.nodeId()))
                .thenComparing(ClusterNode::nodeId));
        return list;
    }

    /** The nodes holding a connection of {@code userId} now, this node included when it does. */
    public List<String> nodesOf(String userId) {
        Set<String> nodes = new HashSet<>(presence.nodesOf(userId));
        if (connections.isOnline(userId)) {
            nodes.add(self.nodeId());
        }
        return nodes.stream().sorted().toList();
    }

    /** Users holding a connection on any node, each counted once, as this node knows the presence. */
    public int users() {
        Set<String> all = new HashSet<>(connections.users());
        all.addAll(presence.userIds());
        return all.size();
    }

    /** The cluster-wide rate limits this node shares (asynchronous; unavailable while Redis is down). */
    public SharedLimits sharedLimits() {
        return new SharedLimits() {
            @Override
            public boolean available() {
                RedisBuckets current = buckets;
                return current != null && current.available();
            }

            @Override
            public CompletionStage<Long> take(String key, dev.switchboard.router.protection.RateLimit limit) {
                RedisBuckets current = buckets;
                return current == null ? CompletableFuture.failedFuture(new IllegalStateException("not connected"))
                        : current.take(key, limit);
            }
        };
    }

    /** Binds the cluster's gauges and counters ({@code switchboard_cluster_*}). */
    public void bindMetrics(MeterRegistry registry) {
        Gauge.builder("switchboard_cluster_redis_up", this, cluster -> cluster.up ? 1 : 0)
                .description("1 while this node reaches the cluster's Redis, 0 while it serves its own users only")
                .register(registry);
        Gauge.builder("switchboard_cluster_nodes", this, cluster -> cluster.members().stream()
                        .filter(node -> ClusterNode.UP.equals(node.state())).count())
                .description("Nodes of the cluster heartbeating, as this node sees them").register(registry);
        Gauge.builder("switchboard_cluster_forward_queue", forwarder, Forwarder::queued)
                .description("Events waiting to be sent to other nodes (at most " + Forwarder.MAX_QUEUED
                        + "; beyond, undelivered)").register(registry);
        Gauge.builder("switchboard_cluster_remote_users", presence, RemotePresence::users)
                .description("Users holding a connection on another node, as this node knows them").register(registry);
        FunctionCounter.builder("switchboard_cluster_forwarded", forwarded, LongAdder::sum)
                .description("Events sent to another node for its connections of a user").register(registry);
        FunctionCounter.builder("switchboard_cluster_received", received, LongAdder::sum)
                .description("Events another node sent here for this node's connections").register(registry);
        FunctionCounter.builder("switchboard_cluster_undelivered", undelivered, LongAdder::sum)
                .description("Events for a user's connections on another node that could not cross (Redis down,"
                        + " or the node gone)").register(registry);
        FunctionCounter.builder("switchboard_cluster_stops_forwarded", stopsForwarded, LongAdder::sum)
                .description("stop_agent requests sent to the node owning the run").register(registry);
        FunctionCounter.builder("switchboard_cluster_unconfirmed", unconfirmed, LongAdder::sum)
                .description("Events sent to another node that Redis did not confirm within the command timeout (they"
                        + " may have arrived)").register(registry);
        FunctionCounter.builder("switchboard_cluster_malformed", malformed, LongAdder::sum)
                .description("Messages on this node's cluster channels that were not cluster messages").register(registry);
        FunctionCounter.builder("switchboard_cluster_limit_fallbacks", this,
                        cluster -> cluster.buckets == null ? 0 : cluster.buckets.unanswered())
                .description("Messages whose shared rate-limit check Redis did not answer in time (this node's"
                        + " buckets decided alone)").register(registry);
    }

    /** Events that could not cross to another node since start. */
    public long undelivered() {
        return undelivered.sum();
    }

    /** Events sent to other nodes since start. */
    public long forwarded() {
        return forwarded.sum();
    }

    /** Events received from other nodes since start. */
    public long received() {
        return received.sum();
    }

    // ---- delivery ----

    @Override
    public void forward(String userId, String frame) {
        Set<String> nodes = presence.nodesOf(userId);
        if (nodes.isEmpty()) {
            return;
        }
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || !connection.isOpen()) {
            // Redis is gone (a slow Redis still gets them: its answers decide what is counted)
            undelivered.add(nodes.size());
            return;
        }
        for (String node : nodes) {
            forwarder.forward(node, userId, frame);
        }
    }

    /** Publishes one node's share of a batch of events (on the forwarder's thread). */
    private void publish(String node, int events, String text) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || !connection.isOpen()) {
            undelivered.add(events);
            return;
        }
        connection.async().publish(ClusterKeys.inbox(node), text).whenComplete((listeners, failure) -> {
            if (failure != null && isTimeout(failure)) {
                unconfirmed.add(events); // sent, but Redis did not say in time whether they got there
            } else if (failure != null || listeners == null || listeners == 0) {
                undelivered.add(events);
            } else {
                forwarded.add(events);
            }
        });
    }

    // ---- runs ----

    @Override
    public CompletionStage<Boolean> stop(String runId, String userId) {
        StatefulRedisConnection<String, String> connection = commands;
        if (!up || connection == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis is unavailable"));
        }
        RedisAsyncCommands<String, String> redis = connection.async();
        return redis.get(ClusterKeys.run(runId)).toCompletableFuture().thenCompose(owner -> {
            if (owner == null || owner.equals(self.nodeId())) {
                return CompletableFuture.completedFuture(false);
            }
            String requestId = self.nodeId() + "/" + stopRequests.incrementAndGet();
            CompletableFuture<Boolean> answer = new CompletableFuture<>();
            pendingStops.put(requestId, answer);
            stopsForwarded.increment();
            redis.publish(ClusterKeys.inbox(owner), NodeMessages.stop(requestId, self.nodeId(), userId, runId))
                    .whenComplete((listeners, failure) -> {
                        if (failure != null) {
                            answer.completeExceptionally(failure);
                        } else if (listeners == 0) {
                            answer.complete(false); // the owner is gone, and its runs with it
                        }
                    });
            return answer.orTimeout(STOP_ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((stopped, failure) -> pendingStops.remove(requestId));
        });
    }

    @Override
    public void started(RunInfo run) {
        StatefulRedisConnection<String, String> connection = commands;
        if (up && connection != null) {
            connection.async().set(ClusterKeys.run(run.runId()), self.nodeId(), SetArgs.Builder.px(runKeyTtl));
        }
    }

    @Override
    public void ended(RunInfo run) {
        StatefulRedisConnection<String, String> connection = commands;
        if (up && connection != null) {
            connection.async().del(ClusterKeys.run(run.runId()));
        }
    }

    // ---- presence ----

    @Override
    public void opened(ConnectionInfo connection) {
        publishPresence(connection.userId());
    }

    @Override
    public void closed(ConnectionInfo connection, boolean lastOfUser) {
        if (lastOfUser) {
            publishPresence(connection.userId());
        }
    }

    /**
     * Writes whether the user is on this node now. Under the user's lock, so two threads racing (a
     * last close and a new open) leave Redis as the registry ends, whatever order they ran in.
     */
    private void publishPresence(String userId) {
        StatefulRedisConnection<String, String> connection = commands;
        if (!up || connection == null) {
            return; // rejoining writes every user again
        }
        synchronized (presenceLocks[Math.floorMod(userId.hashCode(), PRESENCE_STRIPES)]) {
            boolean online = connections.isOnline(userId);
            RedisAsyncCommands<String, String> redis = connection.async();
            if (online) {
                redis.sadd(ClusterKeys.user(userId), self.nodeId());
                redis.sadd(ClusterKeys.nodeUsers(self.nodeId()), userId);
            } else {
                redis.srem(ClusterKeys.user(userId), self.nodeId());
                redis.srem(ClusterKeys.nodeUsers(self.nodeId()), userId);
            }
            redis.publish(ClusterKeys.PRESENCE, NodeMessages.presence(online, self.nodeId(), userId));
        }
    }

    // ---- what other nodes say ----

    private final class Inbox extends RedisPubSubAdapter<String, String> {
        @Override
        public void message(String channel, String text) {
            try {
                NodeMessages.Message message = NodeMessages.decode(text);
                if (ClusterKeys.PRESENCE.equals(channel)) {
                    presenceChanged(message);
                } else {
                    addressedHere(message);
                }
            } catch (RuntimeException e) {
                malformed.increment();
                if (malformed.sum() == 1) {
                    log.warn("ignored a message on {} that is not a cluster message (counted in"
                            + " switchboard_cluster_malformed_total; only the first is logged)", channel, e);
                }
            }
        }
    }

    private void presenceChanged(NodeMessages.Message message) {
        switch (message.kind()) {
            case NodeMessages.JOINED -> {
                if (!message.first().equals(self.nodeId())) {
                    presence.joined(message.second(), message.first());
                }
            }
            case NodeMessages.LEFT -> presence.left(message.second(), message.first());
            case NodeMessages.GONE -> {
                if (closed) {
                    return;
                }
                if (message.first().equals(self.nodeId())) {
                    log.warn("other nodes took this node for gone (no heartbeat within {}); joining again",
                            settings.nodeTtl());
                    timer.execute(() -> rejoin(false));
                } else {
                    presence.dropNode(message.first());
                }
            }
            default -> throw new IllegalArgumentException("not a presence message");
        }
    }

    private void addressedHere(NodeMessages.Message message) {
        switch (message.kind()) {
            case NodeMessages.DELIVER -> {
                received.increment();
                connections.deliverLocally(message.first(), message.second());
            }
            case NodeMessages.DELIVERIES -> received.add(NodeMessages.forEachDelivery(message.first(),
                    connections::deliverLocally));
            case NodeMessages.STOP -> {
                boolean stopped = runs.stop(message.fourth(), message.third());
                StatefulRedisConnection<String, String> connection = commands;
                if (connection != null) {
                    connection.async().publish(ClusterKeys.inbox(message.second()),
                            NodeMessages.stopped(message.first(), stopped));
                }
            }
            case NodeMessages.STOPPED -> {
                CompletableFuture<Boolean> answer = pendingStops.remove(message.first());
                if (answer != null) {
                    answer.complete("1".equals(message.second()));
                }
            }
            default -> throw new IllegalArgumentException("not a node message");
        }
    }

    // ---- membership ----

    private void beat() {
        if (closed) {
            return;
        }
        try {
            StatefulRedisConnection<String, String> connection = commands;
            StatefulRedisPubSubConnection<String, String> inbox = subscriber;
            if (connection == null || inbox == null) {
                connect();
                return;
            }
            if (!connection.isOpen() || !inbox.isOpen()) {
                down("the connection to Redis was lost");
                return;
            }
            long now = clock.millis();
            RedisAsyncCommands<String, String> redis = connection.async();
            announce(redis, now);
            redis.zrangeWithScores(ClusterKeys.NODES, 0, -1).whenComplete((scored, failure) -> {
                if (failure != null) {
                    timer.execute(() -> heartbeatFailed(failure, now));
                } else {
                    timer.execute(() -> heard(scored, now));
                }
            });
        } catch (RuntimeException e) {
            log.warn("cluster heartbeat failed", e);
        }
    }

    /** Writes what this node says about itself and its heartbeat. */
    private void announce(RedisAsyncCommands<String, String> redis, long now) {
        redis.set(ClusterKeys.node(self.nodeId()), Json.write(describeSelf(now)),
                SetArgs.Builder.px(settings.nodeTtl().multipliedBy(3)));
        redis.zadd(ClusterKeys.NODES, now, self.nodeId());
    }

    /**
     * A heartbeat got no answer. A Redis that is busy (a slow answer) is not a Redis that is gone:
     * only when nothing was heard for as long as a silent node lasts, or the connection itself
     * failed, does this node stop sending across.
     */
    private void heartbeatFailed(Throwable failure, long now) {
        if (!isTimeout(failure) || now - lastHeardAt > settings.nodeTtl().toMillis()) {
            down(describe(failure));
        } else {
            lastProblem = describe(failure);
        }
    }

    private static boolean isTimeout(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof io.lettuce.core.RedisCommandTimeoutException
                || cause instanceof java.util.concurrent.TimeoutException;
    }

    /** Redis answered a heartbeat: rejoin if it had been away, then refresh the member list. */
    private void heard(List<ScoredValue<String>> scored, long now) {
        if (closed) {
            return;
        }
        lastHeardAt = now;
        boolean wasUp = up;
        up = true;
        if (!wasUp) {
            log.info("cluster node {} reaches Redis at {}", self.nodeId(), settings.redisForDisplay());
            rejoin(beats == 0);
        } else if (++beats % RESYNC_EVERY == 0) {
            rejoin(false);
        }
        beats = Math.max(beats, 1);
        long cutoff = now - settings.nodeTtl().toMillis();
        List<String> alive = new ArrayList<>();
        for (ScoredValue<String> node : scored) {
            if (node.getScore() >= cutoff) {
                alive.add(node.getValue());
            } else if (!node.getValue().equals(self.nodeId())) {
                evict(node.getValue());
            }
        }
        refreshMembers(alive, now);
    }

    private void refreshMembers(List<String> alive, long now) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || alive.isEmpty()) {
            return;
        }
        String[] keys = alive.stream().map(ClusterKeys::node).toArray(String[]::new);
        connection.async().mget(keys).whenComplete((values, failure) -> {
            if (failure != null) {
                return;
            }
            Set<String> seen = new HashSet<>();
            values.forEach(value -> {
                if (value.hasValue()) {
                    ClusterNode node = readNode(value.getValue());
                    if (node == null) {
                        return;
                    }
                    seen.add(node.nodeId());
                    members.put(node.nodeId(), node.withState(ClusterNode.UP));
                }
            });
            Instant forgetBefore = Instant.ofEpochMilli(now).minus(FORGET_DOWN_AFTER);
            members.replaceAll((id, node) -> seen.contains(id) || id.equals(self.nodeId()) ? node
                    : node.withState(ClusterNode.DOWN));
            members.values().removeIf(node -> ClusterNode.DOWN.equals(node.state())
                    && node.heartbeatAt() != null && node.heartbeatAt().isBefore(forgetBefore));
        });
    }

    /** Removes a node that stopped heartbeating, and its users' presence with it (any node may; it is idempotent). */
    private void evict(String nodeId) {
        StatefulRedisConnection<String, String> connection = commands;
        presence.dropNode(nodeId);
        members.computeIfPresent(nodeId, (id, node) -> node.withState(ClusterNode.DOWN));
        if (connection == null) {
            return;
        }
        log.warn("cluster node {} stopped heartbeating; removing it and its users' presence", nodeId);
        forget(connection.async(), nodeId).thenRun(() ->
                connection.async().publish(ClusterKeys.PRESENCE, NodeMessages.gone(nodeId)));
    }

    /** Deletes a node's presence and membership from Redis. */
    private static CompletionStage<Void> forget(RedisAsyncCommands<String, String> redis, String nodeId) {
        return redis.smembers(ClusterKeys.nodeUsers(nodeId)).thenCompose(users -> {
            for (String userId : users) {
                redis.srem(ClusterKeys.user(userId), nodeId);
            }
            redis.del(ClusterKeys.nodeUsers(nodeId), ClusterKeys.node(nodeId));
            return redis.zrem(ClusterKeys.NODES, nodeId);
        }).thenApply(removed -> null);
    }

    /**
     * Writes this node's users and runs to Redis again and rereads every other node's users: after
     * Redis came back, now and then to repair what a lost message left wrong, and (when
     * {@code fresh}) first clearing what an earlier life of this node id left behind.
     */
    private void rejoin(boolean fresh) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null) {
            return;
        }
        RedisAsyncCommands<String, String> redis = connection.async();
        CompletionStage<Void> cleared = fresh ? forget(redis, self.nodeId())
                : CompletableFuture.completedFuture(null);
        cleared.thenRun(() -> {
            long now = clock.millis();
            announce(redis, now);
            for (String userId : connections.users()) {
                publishPresence(userId);
            }
            runs.inFlight().forEach(this::started);
            reloadPresence(redis);
        });
    }

    private void reloadPresence(RedisAsyncCommands<String, String> redis) {
        long since = System.nanoTime();
        redis.zrange(ClusterKeys.NODES, 0, -1).thenCompose(nodes -> {
            Map<String, CompletableFuture<Set<String>>> reads = new HashMap<>();
            for (String node : nodes) {
                if (!node.equals(self.nodeId())) {
                    reads.put(node, redis.smembers(ClusterKeys.nodeUsers(node)).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<String, Set<String>> nodesByUser = new HashMap<>();
                reads.forEach((node, users) -> users.join().forEach(user ->
                        nodesByUser.computeIfAbsent(user, key -> new HashSet<>()).add(node)));
                return nodesByUser;
            });
        }).whenComplete((read, failure) -> {
            if (failure == null) {
                presence.reload(read, since);
            }
        });
    }

    private void connect() {
        if (!connecting.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<StatefulRedisConnection<String, String>> command =
                publishClient.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> inbox = client.connectPubSubAsync(
                StringCodec.UTF8, uri).toCompletableFuture();
        CompletableFuture<StatefulRedisConnection<String, byte[]>> limits = client.connectAsync(
                RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri).toCompletableFuture();
        // connecting stays set until the inbox is subscribed (or all failed): a heartbeat in between
        // must not open a second set of connections, whose inbox would deliver every event twice
        CompletableFuture.allOf(command, inbox, limits).whenComplete((ignored, failure) -> {
            if (failure != null || closed) {
                connecting.set(false);
                for (CompletableFuture<? extends StatefulRedisConnection<?, ?>> each : List.of(command, limits)) {
                    each.thenAccept(StatefulRedisConnection::closeAsync);
                }
                inbox.thenAccept(StatefulRedisPubSubConnection::closeAsync);
                if (failure != null) {
                    down(describe(failure));
                }
                return;
            }
            StatefulRedisPubSubConnection<String, String> pubSub = inbox.join();
            pubSub.addListener(new Inbox());
            pubSub.async().subscribe(ClusterKeys.inbox(self.nodeId()), ClusterKeys.PRESENCE).whenComplete(
                    (done, subscribeFailure) -> {
                        if (subscribeFailure != null) {
                            down(describe(subscribeFailure));
                            pubSub.closeAsync();
                            command.join().closeAsync();
                            limits.join().closeAsync();
                            connecting.set(false);
                            return;
                        }
                        bucketConnection = limits.join();
                        buckets = new RedisBuckets(bucketConnection, () -> up);
                        subscriber = pubSub;
                        commands = command.join();
                        connecting.set(false);
                        timer.execute(this::beat);
                    });
        });
    }

    private void down(String problem) {
        lastProblem = problem;
        if (up) {
            up = false;
            log.warn("cluster node {} lost Redis ({}); serving its own users only until it is back",
                    self.nodeId(), problem);
        }
    }

    /** A Redis failure in words an operator reads (not an exception class). */
    private String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String text = cause.getMessage();
        String where = settings.redisForDisplay();
        if (cause instanceof io.lettuce.core.RedisConnectionException) {
            return "cannot reach Redis at " + where;
        }
        if (cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof io.lettuce.core.RedisCommandTimeoutException) {
            return "Redis at " + where + " did not answer within " + COMMAND_TIMEOUT.toMillis() + " ms";
        }
        return "Redis at " + where + ": " + (text == null ? "failed" : text);
    }

    private static ClusterNode readNode(String json) {
        try {
            return Json.mapper().readValue(json, ClusterNode.class);
        } catch (java.io.IOException e) {
            log.warn("ignored a cluster member entry that is not a node description");
            return null;
        }
    }

    /** This node as it describes itself: up (it is running; whether Redis is, is another matter). */
    private ClusterNode describeSelf(long now) {
        return new ClusterNode(self.nodeId(), ClusterNode.UP, self.clientUrl(), self.monitorUrl(), self.httpUrl(), connections.connectionCount(),
                connections.userCount(), runs.inFlightCount(), startedAt, Instant.ofEpochMilli(now));
    }

    /**
     * Leaves the cluster: removes this node's presence and membership from Redis (waiting up to a
     * second, so other nodes stop sending here at once), then closes the connections.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        forwarder.close();
        StatefulRedisConnection<String, String> connection = commands;
        if (up && connection != null) {
            try {
                forget(connection.async(), self.nodeId()).thenCompose(ignored ->
                        connection.async().publish(ClusterKeys.PRESENCE, NodeMessages.gone(self.nodeId())))
                        .toCompletableFuture().get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("could not remove node {} from the cluster on the way out; it expires after {}",
                        self.nodeId(), settings.nodeTtl(), e);
            }
        }
        up = false;
        pendingStops.values().forEach(answer -> answer.completeExceptionally(new IllegalStateException("stopping")));
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        publishClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        for (java.util.concurrent.Future<?> stopping : List.of(resources.shutdown(0, 2, TimeUnit.SECONDS),
                publishResources.shutdown(0, 2, TimeUnit.SECONDS), publishThreads.shutdown(0, 2, TimeUnit.SECONDS))) {
            try {
                stopping.get(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                log.warn("the Redis client's threads did not stop in time", e);
            }
        }
    }
}
