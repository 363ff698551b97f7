package dev.switchboard.console.ui.overview;

import dev.switchboard.console.feed.ClusterPicture;

/**
 * One node of the overview's per-node table.
 *
 * @param nodeId            the node
 * @param state             {@code up} or {@code down}
 * @param connections       its client connections
 * @param messagesPerSecond messages it receives a second
 * @param p99Ms             its reply latency p99 in ms (arrival to answer written)
 * @param errors            handler errors on it
 * @param detail            its monitor URL when up, why it is down otherwise
 */
public record NodeRow(String nodeId, String state, long connections, double messagesPerSecond, double p99Ms,
                      long errors, String detail) {

    /** The row of a node of the cluster picture. */
    public static NodeRow of(ClusterPicture.Node node) {
        return new NodeRow(node.nodeId(), node.state(), node.stats().connections(), node.stats().messagesPerSecond(),
                node.stats().replyMs("p99"), node.stats().handlerErrors(), node.detail() == null ? "" : node.detail());
    }
}
