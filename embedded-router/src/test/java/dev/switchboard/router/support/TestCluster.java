package dev.switchboard.router.support;

import static org.awaitility.Awaitility.await;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.cluster.ClusterSettings;
import dev.switchboard.router.monitor.wire.ClusterNode;
import dev.switchboard.router.monitor.wire.ClusterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Router nodes of one cluster on a test Redis, with quick heartbeats: every 100 ms, gone after 2 s (a
 * shorter TTL takes live nodes for gone when the shared test machine starves their timer threads).
 */
public final class TestCluster implements AutoCloseable {
    public static final Duration HEARTBEAT = Duration.ofMillis(100);
    public static final Duration NODE_TTL = Duration.ofSeconds(2);

    private final EmbeddedRedis redis;
    private final List<Router> nodes = new ArrayList<>();

    public TestCluster(EmbeddedRedis redis) {
        this.redis = redis;
    }

    /** The cluster settings a node named {@code nodeId} gets. */
    public ClusterSettings settings(String nodeId) {
        return ClusterSettings.on(redis.url()).withNodeId(nodeId).withTimings(HEARTBEAT, NODE_TTL);
    }

    /** Runs that last about two seconds (200 ms agent steps), long enough to stop one mid-way. */
    public static RouterConfig.Builder slowAgent(RouterConfig.Builder builder) {
        return builder.agent(SimulatedAgent.Settings.defaults().withStepDelay(Duration.ofMillis(200)));
    }

    /** Starts {@code count} nodes named n1, n2, … and waits until each sees all of them up. */
    public List<Router> start(int count, UnaryOperator<RouterConfig.Builder> change) {
        for (int i = 1; i <= count; i++) {
            String id = "n" + i;
            nodes.add(TestRouters.start(builder -> change.apply(builder).cluster(settings(id))));
        }
        awaitMembers(count);
        return List.copyOf(nodes);
    }

    public List<Router> start(int count) {
        return start(count, UnaryOperator.identity());
    }

    /** Waits until every running node reaches Redis and sees {@code count} nodes up. */
    public void awaitMembers(int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> nodes.stream().filter(node -> node.state()
                != Router.State.STOPPED).allMatch(node -> {
                    ClusterView view = node.cluster(null);
                    return ClusterView.OK.equals(view.clusterState()) && view.members().stream()
                            .filter(member -> ClusterNode.UP.equals(member.state())).count() == count;
                }));
    }

    /** Waits until {@code node} knows {@code userId} is on exactly {@code nodeIds}. */
    public static void awaitUserOn(Router node, String userId, String... nodeIds) {
        await().atMost(Duration.ofSeconds(10)).until(() -> node.cluster(userId).userNodes().equals(List.of(nodeIds)));
    }

    @Override
    public void close() {
        nodes.forEach(Router::stop);
    }
}
