package dev.switchboard.console.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.monitor.wire.ClusterNode;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.monitor.wire.CommandReply;
import dev.switchboard.router.monitor.wire.ConnectionPage;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.protocol.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A router attached by its monitor URL that may be one node of a cluster. It opens that monitor
 * first; when the first snapshot says {@code cluster_state} {@code off} it is that router's feed
 * and nothing more (frames untagged, commands to it). Otherwise it opens one feed per member's
 * {@code monitor_url} (same token), asks a live node for {@code cluster_nodes} every second to learn
 * joins and nodes going down, and merges: every frame goes on tagged with its node and carrying the
 * cluster's totals ({@link ClusterMerge}), the node table goes to {@link FeedSink#cluster}. A
 * command about a connection goes to the node that holds it; {@code disconnect_user} to every node
 * holding the user. All of it on feed threads and its own scheduler, never on the FX thread.
 */
public final class ClusterFeed implements ConsoleFeed {
    private static final Duration POLL = Duration.ofSeconds(1);

    private enum Mode { UNKNOWN, ALONE, CLUSTER }

    private final URI seed;
    private final ConsoleFeed seedFeed;
    private final Function<URI, ConsoleFeed> open;
    private final String source;
    private final AutoCloseable owned;
    private final ClusterMerge merge = new ClusterMerge();
    private final Map<String, ConsoleFeed> feeds = new ConcurrentHashMap<>();
    private final Map<String, URI> openedAt = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "console-cluster-feed");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Mode mode = Mode.UNKNOWN;
    private volatile String seedNodeId;
    private volatile boolean closed;
    private Instant noneUpSince;
    private FeedSink sink;
    /** The token remote feeds use, when they are remote ({@link #attach}); null otherwise. */
    private AtomicReference<String> tokens;

    /**
     * @param seed   the monitor endpoint attached to, {@code ws://host:port/monitor}
     * @param open   opens a monitor feed (the seed's and each member's)
     * @param source the status bar's name for it
     * @param owned  closed after the feeds (an embedded cluster's routers), or null
     */
    public ClusterFeed(URI seed, Function<URI, ConsoleFeed> open, String source, AutoCloseable owned) {
        this.seed = Objects.requireNonNull(seed, "seed must not be null");
        this.open = Objects.requireNonNull(open, "open must not be null");
        this.source = Objects.requireNonNull(source, "source must not be null");
        this.owned = owned;
        this.seedFeed = open.apply(seed);
    }

    /** Attaches to the router or cluster node at {@code monitorUri} with a viewer or operator token. */
    public static ClusterFeed attach(URI monitorUri, String token) {
        Objects.requireNonNull(token, "token must not be null");
        // the token a node's feed opens with: the latest one given, for members found later too
        AtomicReference<String> current = new AtomicReference<>(token);
        ClusterFeed feed = new ClusterFeed(monitorUri, uri -> new RemoteFeed(uri, current.get()), "remote " + monitorUri,
                null);
        feed.tokens = current;
        return feed;
    }

    @Override
    public boolean useToken(String token) {
        if (tokens == null) {
            return false;
        }
        tokens.set(Objects.requireNonNull(token, "token must not be null"));
        seedFeed.useToken(token);
        feeds.values().stream().filter(feed -> feed != seedFeed).forEach(feed -> feed.useToken(token));
        return true;
    }

    @Override
    public String source() {
        return source;
    }

    /** The ids of the cluster's nodes the console knows; empty for a router alone. */
    public List<String> nodeIds() {
        synchronized (merge) {
            return merge.picture().nodeIds();
        }
    }

    @Override
    public void start(Consumer<MonitorFrame> frames, Consumer<FeedStatus> status) {
        start(FeedSink.of(frame -> frames.accept(frame.frame()), status, picture -> { }));
    }

    @Override
    public void start(FeedSink feedSink) {
        this.sink = Objects.requireNonNull(feedSink, "feedSink must not be null");
        seedFeed.start(this::seedFrame, this::seedStatus);
    }

    private void seedFrame(MonitorFrame frame) {
        if (mode == Mode.UNKNOWN && frame instanceof MonitorSnapshot first) {
            if (first.clusterState() == null || ClusterView.OFF.equals(first.clusterState()) || first.nodeId() == null) {
                mode = Mode.ALONE;
            } else {
                joinCluster(first);
            }
        }
        if (mode == Mode.CLUSTER) {
            nodeFrame(seedNodeId, frame);
        } else {
            sink.frame(NodeFrame.alone(frame));
        }
    }

    private void seedStatus(FeedStatus status) {
        if (mode == Mode.CLUSTER) {
            nodeStatus(seedNodeId, status);
        } else {
            sink.status(status);
        }
    }

    /** The seed said it is a node of a cluster: feeds for the other members, and the member poll. */
    private void joinCluster(MonitorSnapshot first) {
        seedNodeId = first.nodeId();
        feeds.put(seedNodeId, seedFeed);
        openedAt.put(seedNodeId, seed);
        List<ClusterNode> joined;
        synchronized (merge) {
            merge.feed(seedNodeId, true, seed.toString());
            joined = merge.members(first.clusterState(), first.members(), null);
        }
        mode = Mode.CLUSTER;
        joined.forEach(this::openNode);
        publish();
        schedule(() -> scheduler.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    private void openNode(ClusterNode member) {
        String id = member.nodeId();
        if (closed || member.monitorUrl() == null || feeds.containsKey(id)) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(member.monitorUrl());
        } catch (IllegalArgumentException bad) {
            synchronized (merge) {
                merge.feed(id, false, "bad monitor URL " + member.monitorUrl());
            }
            return;
        }
        ConsoleFeed feed = open.apply(uri);
        feeds.put(id, feed);
        openedAt.put(id, uri);
        feed.start(frame -> nodeFrame(id, frame), status -> nodeStatus(id, status));
    }

    private void nodeFrame(String nodeId, MonitorFrame frame) {
        NodeFrame merged;
        synchronized (merge) {
            merged = merge.merge(nodeId, frame);
        }
        sink.frame(merged);
        publishPicture();
    }

    private void nodeStatus(String nodeId, FeedStatus status) {
        boolean connected = status.state() == FeedStatus.State.CONNECTED;
        String state = status.state().name().toLowerCase(java.util.Locale.ROOT);
        synchronized (merge) {
            merge.feed(nodeId, connected, connected || status.detail() == null ? status.detail()
                    : state + ": " + status.detail());
        }
        publish();
    }

    /** Asks a live node for the member list; opens feeds for nodes that joined or moved. */
    private void poll() {
        ConsoleFeed asked = liveFeed();
        if (asked == null) {
            return;
        }
        asked.command(clusterNodes(null)).whenComplete((reply, failure) -> {
            ClusterView view = failure == null ? clusterView(reply) : null;
            if (view != null) {
                schedule(() -> members(view));
            }
        });
    }

    private void members(ClusterView view) {
        List<ClusterNode> joined;
        List<ClusterNode> moved = new ArrayList<>();
        synchronized (merge) {
            joined = merge.members(view.clusterState(), view.members(), view.users());
            for (ClusterNode member : view.members()) {
                URI at = openedAt.get(member.nodeId());
                if (at != null && member.monitorUrl() != null && !merge.isLive(member.nodeId())
                        && !at.toString().equals(member.monitorUrl())) {
                    moved.add(member);
                }
            }
        }
        for (ClusterNode member : moved) {
            // a node back on another port: its old feed retries a dead address
            if (member.nodeId().equals(seedNodeId)) {
                continue; // the URL attached to: its feed keeps retrying it
            }
            ConsoleFeed old = feeds.remove(member.nodeId());
            if (old != null) {
                old.close();
            }
            openNode(member);
        }
        joined.forEach(this::openNode);
        publish();
    }

    private void publish() {
        publishPicture();
        sink.status(overallStatus());
    }

    private void publishPicture() {
        ClusterPicture picture;
        synchronized (merge) {
            picture = merge.picture();
        }
        sink.cluster(picture);
    }

    /** Connected while any node is up; reconnecting since the last one went down. */
    private FeedStatus overallStatus() {
        synchronized (merge) {
            ClusterPicture picture = merge.picture();
            long up = picture.nodes().stream().filter(ClusterPicture.Node::up).count();
            String detail = up + " of " + picture.nodes().size() + " nodes up";
            if (up > 0) {
                noneUpSince = null;
                return FeedStatus.connectedNow(detail);
            }
            if (noneUpSince == null) {
                noneUpSince = Instant.now();
            }
            return new FeedStatus(FeedStatus.State.RECONNECTING, noneUpSince, detail);
        }
    }

    private void schedule(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException stopped) {
            // closed meanwhile
        }
    }

    /** A node whose feed is live, the seed first; null when none is. */
    private ConsoleFeed liveFeed() {
        if (mode != Mode.CLUSTER) {
            return seedFeed;
        }
        synchronized (merge) {
            if (merge.isLive(seedNodeId)) {
                return seedFeed;
            }
            return feeds.entrySet().stream().filter(entry -> merge.isLive(entry.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(null);
        }
    }

    @Override
    public CompletionStage<ObjectNode> command(JsonNode command) {
        if (mode == Mode.CLUSTER && "disconnect_user".equals(command.path("type").asText())) {
            return disconnectUser(command);
        }
        ConsoleFeed feed = liveFeed();
        return feed == null ? notConnected("no node of the cluster is connected") : feed.command(command);
    }

    @Override
    public CompletionStage<ObjectNode> command(String nodeId, JsonNode command) {
        if (mode != Mode.CLUSTER || nodeId == null) {
            return command(command);
        }
        ConsoleFeed feed = feeds.get(nodeId);
        return feed == null ? notConnected("node " + nodeId + " is not connected") : feed.command(command);
    }

    /** Closes a user's connections on every node holding one, and answers with how many in all. */
    private CompletionStage<ObjectNode> disconnectUser(JsonNode command) {
        ConsoleFeed asked = liveFeed();
        if (asked == null) {
            return notConnected("no node of the cluster is connected");
        }
        String userId = command.path("user_id").asText();
        return asked.command(clusterNodes(userId)).thenCompose(reply -> {
            if (CommandReply.of(reply).isError()) {
                return CompletableFuture.completedFuture(reply);
            }
            ClusterView view = clusterView(reply);
            List<String> holding = view == null || view.userNodes() == null ? List.of() : view.userNodes();
            List<CompletableFuture<ObjectNode>> answers = holding.stream()
                    .map(node -> command(node, command).toCompletableFuture()).toList();
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .handle((done, failure) -> combine(answers));
        });
    }

    /** One answer for the nodes' answers: the first refusal, else the disconnections added up. */
    private static ObjectNode combine(List<CompletableFuture<ObjectNode>> answers) {
        long disconnected = 0;
        for (CompletableFuture<ObjectNode> answer : answers) {
            ObjectNode reply = answer.isCompletedExceptionally() ? null : answer.join();
            if (reply == null) {
                continue;
            }
            CommandReply read = CommandReply.of(reply);
            if (read.isError()) {
                return reply;
            }
            disconnected += read.resultCount("disconnected");
        }
        ObjectNode combined = JsonNodeFactory.instance.objectNode().put("type", "command_result");
        combined.putObject("result").put("disconnected", disconnected);
        return combined;
    }

    @Override
    public CompletionStage<UserEndpoint> userEndpoint(String userId) {
        ConsoleFeed feed = liveFeed();
        return feed == null ? CompletableFuture.failedFuture(new IllegalStateException("no node of the cluster is connected"))
                : feed.userEndpoint(userId);
    }

    /**
     * A router alone: its monitor. A cluster: the monitors of the nodes connected now, the one
     * attached to first, with the token the nodes are watched with.
     */
    @Override
    public RecordingSource recordingSource() {
        if (mode != Mode.CLUSTER) {
            return seedFeed.recordingSource();
        }
        List<URI> live = new ArrayList<>();
        String token = null;
        for (Map.Entry<String, ConsoleFeed> node : feeds.entrySet()) {
            if (!isLive(node.getKey()) || !(node.getValue().recordingSource() instanceof RecordingSource.Monitors one)) {
                continue;
            }
            token = token != null ? token : one.token();
            if (node.getValue() == seedFeed) {
                live.addAll(0, one.monitors());
            } else {
                live.addAll(one.monitors());
            }
        }
        return live.isEmpty() ? new RecordingSource.Unavailable("no node of the cluster is connected")
                : new RecordingSource.Monitors(live, token);
    }

    @Override
    public CompletionStage<List<NodePage>> connectionPages(String filter, int limit) {
        if (mode != Mode.CLUSTER) {
            return seedFeed.connectionPages(filter, limit);
        }
        List<CompletableFuture<NodePage>> asked = new ArrayList<>();
        feeds.forEach((nodeId, feed) -> {
            if (isLive(nodeId)) {
                asked.add(feed.command(ConsoleFeed.connectionsCommand(filter, limit)).toCompletableFuture()
                        .thenApply(reply -> {
                            ConnectionPage page = MonitorFrames.page(reply);
                            return page == null ? null : new NodePage(nodeId, page);
                        }).exceptionally(failure -> null));
            }
        });
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(done -> asked.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList());
    }

    private boolean isLive(String nodeId) {
        synchronized (merge) {
            return merge.isLive(nodeId);
        }
    }

    private static ObjectNode clusterNodes(String userId) {
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "cluster_nodes");
        if (userId != null) {
            command.put("user_id", userId);
        }
        return command;
    }

    /** The {@code cluster_nodes} answer, or null when it is an error or unreadable. */
    static ClusterView clusterView(ObjectNode reply) {
        try {
            CommandReply read = CommandReply.of(reply);
            return read.isError() || read.result() == null ? null
                    : Json.mapper().treeToValue(read.result(), ClusterView.class);
        } catch (JsonProcessingException | IllegalArgumentException unreadable) {
            return null;
        }
    }

    private static CompletionStage<ObjectNode> notConnected(String why) {
        return CompletableFuture.failedFuture(new IllegalStateException(why));
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        feeds.values().stream().filter(feed -> feed != seedFeed).forEach(ConsoleFeed::close);
        seedFeed.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // stopping embedded routers on the way out: nothing left to tell
            }
        }
    }
}
