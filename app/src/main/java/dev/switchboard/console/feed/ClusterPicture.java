package dev.switchboard.console.feed;

import dev.switchboard.router.monitor.wire.Stats;
import java.util.List;
import java.util.Objects;

/**
 * The cluster as the console sees it: one entry per node it knows, sorted by node id.
 *
 * @param clusterState {@code ok} or {@code degraded}, as the last node asked said
 * @param nodes        the nodes
 */
public record ClusterPicture(String clusterState, List<Node> nodes) {

    public ClusterPicture {
        nodes = List.copyOf(nodes);
    }

    /**
     * One node.
     *
     * @param nodeId the node's id
     * @param up     whether its monitor feed is live and the member list has it up
     * @param detail its monitor URL when up; why it is down otherwise (its feed's last error, "listed down")
     * @param stats  its own figures from its last frame ({@link Stats#none()} before the first, and
     *               while it is down)
     */
    public record Node(String nodeId, boolean up, String detail, Stats stats) {
        public Node {
            Objects.requireNonNull(nodeId, "nodeId must not be null");
            stats = stats == null ? Stats.none() : stats;
        }

        /** {@code up} or {@code down}, as the per-node table shows it. */
        public String state() {
            return up ? "up" : "down";
        }
    }

    /** The ids of the nodes, in order. */
    public List<String> nodeIds() {
        return nodes.stream().map(Node::nodeId).toList();
    }
}
