package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The {@code cluster_nodes} command's answer: which node answered, how it reaches the cluster, the
 * members it knows and, when asked about a user, the nodes holding a connection of that user.
 * Listed in {@code src/docs/protocol.md}.
 *
 * @param nodeId       the answering node
 * @param clusterState {@code off} (a router alone), {@code ok} (Redis answers) or {@code degraded}
 *                     (Redis does not: the node serves its own users only)
 * @param problem      what is wrong with Redis, in words, while degraded
 * @param members      the nodes, the answering one first; empty for a router alone
 * @param userId       the user asked about, if any
 * @param userNodes    the nodes holding a connection of {@code userId}, if asked
 * @param users        users holding a connection on any node, each counted once (as the answering
 *                     node knows the cluster's presence); omitted for a router alone
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterView(String nodeId, String clusterState, String problem, List<ClusterNode> members,
                          String userId, List<String> userNodes, Integer users) {
    public static final String OFF = "off";
    public static final String OK = "ok";
    public static final String DEGRADED = "degraded";

    public ClusterView {
        members = members == null ? List.of() : members;
    }

    /** This view answering for one user. */
    public ClusterView forUser(String user, List<String> nodes) {
        return new ClusterView(nodeId, clusterState, problem, members, user, nodes, users);
    }
}
