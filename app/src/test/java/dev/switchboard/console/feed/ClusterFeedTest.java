package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.monitor.wire.CommandReply;
import dev.switchboard.router.support.EmbeddedRedis;
import dev.switchboard.router.support.TestCluster;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ClusterFeedTest {
    private static final String SECRET = "cluster-feed-test-secret-of-32-bytes-or-more";

    private static final class Recorded {
        final List<NodeFrame> frames = new CopyOnWriteArrayList<>();
        final List<ClusterPicture> pictures = new CopyOnWriteArrayList<>();
        final List<FeedStatus> statuses = new CopyOnWriteArrayList<>();

        FeedSink sink() {
            return FeedSink.of(frames::add, statuses::add, pictures::add);
        }
    }

    private static String operatorToken() {
        return new TokenService(SECRET, Clock.systemUTC()).mint("oncall", Role.OPERATOR, Duration.ofMinutes(5));
    }

    @Test
    void aRouterAloneIsWatchedAsBeforeWithUntaggedFramesAndNoNodeTable() throws Exception {
        Router router = TestRouters.start(config -> config.httpPort(-1).jwtSecret(SECRET));
        Recorded recorded = new Recorded();
        try (ClusterFeed feed = ClusterFeed.attach(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"),
                operatorToken()); WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            feed.start(recorded.sink());
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorded.frames.size() >= 3);
            String connectionId = alice.seen().stream().filter(frame -> frame.path("type").asText()
                    .equals("connection_established")).findFirst().orElseThrow().path("connection_id").asText();

            var reply = feed.command(JsonNodeFactory.instance.objectNode().put("type", "disconnect")
                    .put("connection_id", connectionId)).toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(CommandReply.of(reply).resultCount("disconnected")).isEqualTo(1);
            assertThat(recorded.frames).allMatch(frame -> frame.nodeId() == null);
            assertThat(recorded.pictures).isEmpty();
            assertThat(recorded.statuses.get(0).detail()).isEqualTo("ws://127.0.0.1:" + router.port() + "/monitor");
            assertThat(feed.nodeIds()).isEmpty();
        } finally {
            router.stop();
        }
    }

    @Test
    void disconnectingAUserClosesItsConnectionsOnEveryNodeHoldingOne() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start();
             EmbeddedCluster cluster = EmbeddedCluster.start(2, redis.url(), TestCluster.HEARTBEAT, TestCluster.NODE_TTL)) {
            Recorded recorded = new Recorded();
            ClusterFeed feed = cluster.feed();
            feed.start(recorded.sink());
            try (WsClient onFirst = WsClient.connect(cluster.routers().get(0).clientUri(), "bob");
                 WsClient onSecond = WsClient.connect(cluster.routers().get(1).clientUri(), "bob")) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                    ClusterPicture last = recorded.pictures.isEmpty() ? null
                            : recorded.pictures.get(recorded.pictures.size() - 1);
                    return last != null && last.nodes().stream().filter(ClusterPicture.Node::up).count() == 2;
                });
                TestCluster.awaitUserOn(cluster.routers().get(0), "bob", "n1", "n2");

                var reply = feed.command(JsonNodeFactory.instance.objectNode().put("type", "disconnect_user")
                        .put("user_id", "bob")).toCompletableFuture().get(5, TimeUnit.SECONDS);

                assertThat(CommandReply.of(reply).resultCount("disconnected")).isEqualTo(2);
                assertThat(recorded.frames).extracting(NodeFrame::nodeId).filteredOn(Objects::nonNull)
                        .contains("n1", "n2");
            } finally {
                feed.close();
            }
        }
    }
}
