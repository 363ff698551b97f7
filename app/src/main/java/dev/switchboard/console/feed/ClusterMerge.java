package dev.switchboard.console.feed;

import dev.switchboard.router.monitor.wire.ClusterNode;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.Stats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * What the console knows about each node of a cluster, and how the nodes' frames merge: each frame
 * goes on tagged with its node and carrying the cluster's totals (the sum of the last figures of
 * every node that is up; latency percentiles are the highest node's). A node is up while its feed
 * is live and the member list does not say it is down. Not thread-safe: {@link ClusterFeed} holds a
 * lock around it. No JavaFX.
 */
final class ClusterMerge {

    private static final class NodeState {
        private String monitorUrl;
        private boolean feedLive;
        private boolean listedDown;
        private String feedDetail = "connecting";
        private Stats stats = Stats.none();
    }

    private final Map<String, NodeState> nodes = new TreeMap<>();
    private String clusterState = "ok";
    /** Users connected anywhere, each counted once, from the last member list; null before one. */
    private Integer clusterUsers;

    /** Stores {@code frame}'s figures as {@code nodeId}'s and returns it with the cluster's totals. */
    NodeFrame merge(String nodeId, MonitorFrame frame) {
        NodeState node = node(nodeId);
        node.stats = frame.stats() == null ? Stats.none() : frame.stats();
        return new NodeFrame(nodeId, withStats(frame, totals()));
    }

    /** {@code nodeId}'s feed went live or down ({@code detail} says why). */
    void feed(String nodeId, boolean live, String detail) {
        NodeState node = node(nodeId);
        node.feedLive = live;
        node.feedDetail = detail;
    }

    /**
     * The member list a node answered with: marks the listed nodes up or down and remembers their
     * monitor URLs.
     *
     * @return the members not known before (the feed opens one for each)
     */
    List<ClusterNode> members(String state, List<ClusterNode> members, Integer users) {
        if (state != null) {
            clusterState = state;
        }
        if (users != null) {
            clusterUsers = users;
        }
        List<ClusterNode> joined = new ArrayList<>();
        for (ClusterNode member : members) {
            if (member.nodeId() == null) {
                continue;
            }
            if (!nodes.containsKey(member.nodeId())) {
                joined.add(member);
            }
            NodeState node = node(member.nodeId());
            node.listedDown = ClusterNode.DOWN.equals(member.state());
            if (member.monitorUrl() != null) {
                node.monitorUrl = member.monitorUrl();
            }
        }
        return joined;
    }

    /** Whether {@code nodeId} is up: its feed is live and it is not listed down. */
    boolean isUp(String nodeId) {
        NodeState node = nodes.get(nodeId);
        return node != null && node.feedLive && !node.listedDown;
    }

    /** Whether {@code nodeId}'s feed is live (whatever the member list says). */
    boolean isLive(String nodeId) {
        NodeState node = nodes.get(nodeId);
        return node != null && node.feedLive;
    }

    /** The monitor URL the member list gave for {@code nodeId}, or null. */
    String monitorUrl(String nodeId) {
        NodeState node = nodes.get(nodeId);
        return node == null ? null : node.monitorUrl;
    }

    /** The cluster's totals over the nodes that are up. */
    Stats totals() {
        List<Stats> up = new ArrayList<>();
        nodes.forEach((id, node) -> {
            if (isUp(id)) {
                up.add(node.stats);
            }
        });
        Stats total = sum(up);
        // a user on two nodes is one user: the cluster's own count, not the nodes' sum
        return clusterUsers == null ? total : withUsers(total, clusterUsers);
    }

    private static Stats withUsers(Stats s, int users) {
        return new Stats(s.connections(), users, s.messagesPerSecond(), s.received(), s.routed(), s.unhandled(),
                s.handlerErrors(), s.qualityMessages(), s.byType(), s.errorsByType(), s.errorsSent(), s.rateLimited(),
                s.routingLatencyMs(), s.queueDepth(), s.runsInFlight(), s.runsStarted(), s.runsEnded(), s.replyLatencyMs(),
                s.handshakeMs(), s.errorsSentByType());
    }

    /** The nodes and their states, for the overview's per-node table. */
    ClusterPicture picture() {
        List<ClusterPicture.Node> list = new ArrayList<>();
        nodes.forEach((id, node) -> {
            boolean up = isUp(id);
            String detail = node.listedDown && node.feedLive ? "listed down" : node.feedDetail;
            // a node that is down vouches for nothing: its last figures are not shown as if current
            list.add(new ClusterPicture.Node(id, up, detail, up ? node.stats : Stats.none()));
        });
        return new ClusterPicture(clusterState, list);
    }

    private NodeState node(String nodeId) {
        return nodes.computeIfAbsent(nodeId, id -> new NodeState());
    }

    /** The nodes' figures added up; latency percentiles are the highest of them. */
    static Stats sum(Collection<Stats> all) {
        Stats total = Stats.none();
        for (Stats s : all) {
            total = new Stats(total.connections() + s.connections(), total.users() + s.users(),
                    Math.round((total.messagesPerSecond() + s.messagesPerSecond()) * 10) / 10.0,
                    total.received() + s.received(), total.routed() + s.routed(), total.unhandled() + s.unhandled(),
                    total.handlerErrors() + s.handlerErrors(), total.qualityMessages() + s.qualityMessages(),
                    merge(total.byType(), s.byType(), Long::sum), merge(total.errorsByType(), s.errorsByType(), Long::sum),
                    merge(total.errorsSent(), s.errorsSent(), Long::sum), total.rateLimited() + s.rateLimited(),
                    merge(total.routingLatencyMs(), s.routingLatencyMs(), Math::max),
                    merge(total.queueDepth(), s.queueDepth(), Integer::sum), total.runsInFlight() + s.runsInFlight(),
                    total.runsStarted() + s.runsStarted(), merge(total.runsEnded(), s.runsEnded(), Long::sum),
                    merge(total.replyLatencyMs(), s.replyLatencyMs(), Math::max),
                    merge(total.handshakeMs(), s.handshakeMs(), Math::max),
                    merge(total.errorsSentByType(), s.errorsSentByType(), Long::sum));
        }
        return total;
    }

    private static <V> Map<String, V> merge(Map<String, V> left, Map<String, V> right, BinaryOperator<V> combine) {
        Map<String, V> merged = new LinkedHashMap<>(left);
        right.forEach((key, value) -> {
            if (value != null) {
                merged.merge(key, value, combine);
            }
        });
        return merged;
    }

    /** {@code frame} with other stats. */
    static MonitorFrame withStats(MonitorFrame frame, Stats stats) {
        if (frame instanceof MonitorUpdate u) {
            return new MonitorUpdate(u.seq(), u.serverTime(), stats, u.protection(), u.events(), u.dropped());
        }
        MonitorSnapshot s = (MonitorSnapshot) frame;
        return new MonitorSnapshot(s.protocol(), s.serverTime(), stats, s.protection(), s.handlers(), s.connections(),
                s.connectionsTotal(),
                s.runsInFlight(), s.recentRuns(), s.recentErrors(), s.role(), s.userId(), s.nodeId(), s.clusterState(),
                s.members(), s.recentActions());
    }
}
