package dev.switchboard.router.cluster;

/**
 * Every Redis key and channel the cluster uses, all under {@code switchboard:} (listed in
 * {@code src/docs/cluster.md}, so an operator can inspect them with {@code redis-cli}).
 */
final class ClusterKeys {
    /** Sorted set: node id → its last heartbeat (epoch ms). */
    static final String NODES = "switchboard:nodes";
    /** Channel every node hears: a user's first connection opening on a node, its last closing, a node gone. */
    static final String PRESENCE = "switchboard:presence";

    private ClusterKeys() {
    }

    /** String (JSON): what a node says about itself at each heartbeat. */
    static String node(String nodeId) {
        return "switchboard:node:" + nodeId;
    }

    /** Set: the users a node holds a connection of. */
    static String nodeUsers(String nodeId) {
        return "switchboard:node:" + nodeId + ":users";
    }

    /** Set: the nodes holding a connection of a user. */
    static String user(String userId) {
        return "switchboard:user:" + userId;
    }

    /** String: the node owning a run in flight, with a TTL. */
    static String run(String runId) {
        return "switchboard:run:" + runId;
    }

    /** A shared rate-limit bucket. */
    static String bucket(String key) {
        return "switchboard:limit:" + key;
    }

    /** The channel only one node hears: events for its users, stop requests and their answers. */
    static String inbox(String nodeId) {
        return "switchboard:to:" + nodeId;
    }
}
