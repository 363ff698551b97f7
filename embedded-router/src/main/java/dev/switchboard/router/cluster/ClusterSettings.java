package dev.switchboard.router.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a router node joins a cluster: the Redis that carries it, the node's name and how often it
 * says it is alive. {@code router.yaml}'s {@code cluster} section and {@code serve --cluster} build
 * one; {@code src/docs/cluster.md} documents them.
 *
 * @param redis         {@code redis://HOST:PORT[/DB]} or {@code rediss://} for TLS; the password
 *                      comes from {@code SWITCHBOARD_REDIS_PASSWORD}, never from the URL in a file
 * @param nodeId        this node's name in the cluster, or null for {@code <host>-<port>}
 * @param heartbeat     how often the node refreshes its membership (default 1 s)
 * @param nodeTtl       how long after its last heartbeat a silent node is gone (default 5 s)
 * @param advertiseHost the host other nodes and consoles reach this node at, or null for the
 *                      router's host (or this machine's name when the router binds every address)
 */
public record ClusterSettings(URI redis, String nodeId, Duration heartbeat, Duration nodeTtl, String advertiseHost) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_NODE_TTL = Duration.ofSeconds(5);
    /** The environment variable holding Redis's password. */
    public static final String PASSWORD_ENV = "SWITCHBOARD_REDIS_PASSWORD";
    private static final int MAX_NODE_ID = 64;

    public ClusterSettings {
        Objects.requireNonNull(redis, "redis must not be null");
        if (!"redis".equals(redis.getScheme()) && !"rediss".equals(redis.getScheme())) {
            throw new IllegalArgumentException("the cluster's Redis URL must start with redis:// or rediss://");
        }
        if (redis.getHost() == null) {
            throw new IllegalArgumentException("the cluster's Redis URL needs a host: redis://HOST:PORT[/DB]");
        }
        if (nodeId != null && !isValidNodeId(nodeId)) {
            throw new IllegalArgumentException("node id must be 1 to " + MAX_NODE_ID
                    + " characters of letters, digits, '.', '_' and '-'");
        }
        heartbeat = heartbeat == null ? DEFAULT_HEARTBEAT : heartbeat;
        nodeTtl = nodeTtl == null ? DEFAULT_NODE_TTL : nodeTtl;
        if (heartbeat.toMillis() < 50) {
            throw new IllegalArgumentException("heartbeat must be at least 50 ms");
        }
        if (nodeTtl.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("node_ttl must be at least twice the heartbeat");
        }
    }

    /** A node of the cluster on {@code redisUrl} with the default name and timings. */
    public static ClusterSettings on(String redisUrl) {
        return new ClusterSettings(parse(redisUrl), null, null, null, null);
    }

    /** These settings with another node id (null for the default). */
    public ClusterSettings withNodeId(String value) {
        return new ClusterSettings(redis, value, heartbeat, nodeTtl, advertiseHost);
    }

    /** These settings with other timings (null keeps one). */
    public ClusterSettings withTimings(Duration newHeartbeat, Duration newNodeTtl) {
        return new ClusterSettings(redis, nodeId, newHeartbeat == null ? heartbeat : newHeartbeat,
                newNodeTtl == null ? nodeTtl : newNodeTtl, advertiseHost);
    }

    /** These settings with another advertised host (null for the default). */
    public ClusterSettings withAdvertiseHost(String value) {
        return new ClusterSettings(redis, nodeId, heartbeat, nodeTtl, value);
    }

    /**
     * Parses a Redis URL.
     *
     * @throws IllegalArgumentException when it is not a URL
     */
    public static URI parse(String redisUrl) {
        try {
            return new URI(Objects.requireNonNull(redisUrl, "redis URL must not be null"));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a Redis URL: use redis://HOST:PORT[/DB]", e);
        }
    }

    /** Whether {@code id} may name a node (it appears in Redis keys and channel names). */
    public static boolean isValidNodeId(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_NODE_ID && id.chars().allMatch(c ->
                c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-'));
    }

    /** The Redis URL without any password it carried, for logs and the monitor. */
    public String redisForDisplay() {
        return redis.getScheme() + "://" + redis.getHost() + (redis.getPort() > 0 ? ":" + redis.getPort() : "")
                + (redis.getPath() == null ? "" : redis.getPath());
    }
}
