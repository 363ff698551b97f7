package dev.switchboard.console.feed;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.cluster.ClusterSettings;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Router nodes of one cluster started in this JVM for a developer ({@code --embedded-nodes N
 * --redis redis://…}): named n1, n2, … on free loopback ports with dev auth, joined over the given
 * Redis, and a {@link ClusterFeed} attached to them through their real {@code /monitor} endpoints
 * with an operator token the console mints from {@code $SWITCHBOARD_JWT_SECRET}, or from a secret
 * made for this run when that is not set. Closing the feed stops the nodes.
 */
public final class EmbeddedCluster implements AutoCloseable {
    private static final int MAX_NODES = 16;

    private final List<Router> routers;
    private final ClusterFeed feed;

    private EmbeddedCluster(List<Router> routers, String token, String redisForDisplay) {
        this.routers = List.copyOf(routers);
        URI seed = URI.create(monitorUri(routers.get(0)));
        this.feed = new ClusterFeed(seed, uri -> new RemoteFeed(uri, token),
                "embedded cluster of " + routers.size() + " nodes on " + redisForDisplay, this);
    }

    /**
     * Starts {@code count} nodes on the Redis at {@code redisUrl}.
     *
     * @param heartbeat how often each node heartbeats, null for the default (1 s)
     * @param nodeTtl   how long a silent node counts as up, null for the default (5 s)
     * @throws IllegalArgumentException for a count outside 1 to 16 or a bad Redis URL
     */
    public static EmbeddedCluster start(int count, String redisUrl, Duration heartbeat, Duration nodeTtl) {
        if (count < 1 || count > MAX_NODES) {
            throw new IllegalArgumentException("--embedded-nodes must be 1 to " + MAX_NODES);
        }
        ClusterSettings settings = ClusterSettings.on(Objects.requireNonNull(redisUrl, "redisUrl must not be null"))
                .withTimings(heartbeat, nodeTtl);
        String secret = secret();
        List<Router> routers = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                RouterConfig config = RouterConfig.builder().host("127.0.0.1").port(0).httpPort(0).devAuth(true)
                        .jwtSecret(secret).cluster(settings.withNodeId("n" + i)).build();
                routers.add(Router.builder().config(config).build().start());
            }
        } catch (RuntimeException failed) {
            routers.forEach(Router::stop);
            throw failed;
        }
        String token = new TokenService(secret, Clock.systemUTC()).mint("console", Role.OPERATOR, Duration.ofDays(30));
        return new EmbeddedCluster(routers, token, settings.redisForDisplay());
    }

    /** {@code $SWITCHBOARD_JWT_SECRET} when set (nodes started elsewhere with it can join and be watched), else a new one. */
    private static String secret() {
        String shared = System.getenv(TokenService.SECRET_ENV);
        if (shared != null && shared.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= TokenService.MIN_SECRET_BYTES) {
            return shared;
        }
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code ws://host:port/monitor} of a router. */
    static String monitorUri(Router router) {
        URI client = router.clientUri();
        return "ws://" + client.getHost() + ":" + client.getPort() + "/monitor";
    }

    /** The nodes, n1 first. */
    public List<Router> routers() {
        return routers;
    }

    /** The console's feed of the whole cluster; closing it stops the nodes. */
    public ClusterFeed feed() {
        return feed;
    }

    /** Stops every node still running. */
    @Override
    public void close() {
        routers.forEach(Router::stop);
    }
}
