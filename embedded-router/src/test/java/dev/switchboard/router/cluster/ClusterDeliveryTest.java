package dev.switchboard.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.EmbeddedRedis;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestCluster;
import dev.switchboard.router.support.WsClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events of a user reach its connections on every node, and nobody else's, over a real Redis. */
@ExtendWith(NoLeakedThreads.class)
class ClusterDeliveryTest {
    @RegisterExtension
    static final EmbeddedRedis.PerClass REDIS = new EmbeddedRedis.PerClass();

    @Test
    void aRunStartedOnOneNodeStreamsToTheUsersConnectionsOnBothNodesInOrder() {
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(2);
            try (WsClient onFirst = WsClient.connect(nodes.get(0).clientUri(), "alice");
                 WsClient onSecond = WsClient.connect(nodes.get(1).clientUri(), "alice");
                 WsClient bob = WsClient.connect(nodes.get(1).clientUri(), "bob")) {
                TestCluster.awaitUserOn(nodes.get(0), "alice", "n1", "n2");
                TestCluster.awaitUserOn(nodes.get(0), "bob", "n2");
                assertThat(nodes.get(0).cluster(null).users()).as("alice on two nodes counts once").isEqualTo(2);

                onFirst.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
                String runId = onFirst.awaitReply("m-1").path("run_id").asText();

                List<JsonNode> here = onFirst.awaitRun(runId);
                List<JsonNode> there = onSecond.awaitRun(runId);
                assertThat(types(there)).isEqualTo(types(here));
                assertThat(types(there)).first().isEqualTo("agent_started");
                assertThat(types(there)).last().isEqualTo("agent_completed");
                assertStrictlyIncreasingSeq(there);
                bob.assertUsable();
                assertThat(bob.seen()).noneMatch(frame -> frame.has("run_id"));
            }
        }
    }

    @Test
    void emitToUserReachesEveryNodeHoldingTheUserAndNoOtherConnection() {
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(3);
            try (WsClient carolOnSecond = WsClient.connect(nodes.get(1).clientUri(), "carol");
                 WsClient carolOnThird = WsClient.connect(nodes.get(2).clientUri(), "carol");
                 WsClient dave = WsClient.connect(nodes.get(1).clientUri(), "dave")) {
                TestCluster.awaitUserOn(nodes.get(0), "carol", "n2", "n3");

                int local = nodes.get(0).emitToUser("carol", ServerEvent.builder(EventType.QUALITY_ALERT)
                        .put("note", "from n1").build());

                assertThat(local).as("connections of carol on n1").isZero();
                assertThat(carolOnSecond.awaitType("quality_alert").path("note").asText()).isEqualTo("from n1");
                assertThat(carolOnThird.awaitType("quality_alert").path("note").asText()).isEqualTo("from n1");
                dave.assertUsable();
                assertThat(dave.seen()).noneMatch(frame -> frame.path("type").asText().equals("quality_alert"));
            }
        }
    }

    @Test
    void fiftyUsersSpreadOverThreeNodesRunConcurrentlyAndNeverSeeAForeignEvent() throws Exception {
        int users = 50;
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(3);
            List<WsClient[]> clients = new ArrayList<>();
            try {
                for (int u = 0; u < users; u++) {
                    // two connections per user, on two different nodes
                    clients.add(new WsClient[] {
                            WsClient.connect(nodes.get(u % 3).clientUri(), "user-" + u),
                            WsClient.connect(nodes.get((u + 1) % 3).clientUri(), "user-" + u)});
                }
                for (int u = 0; u < users; u++) {
                    TestCluster.awaitUserOn(nodes.get(u % 3), "user-" + u,
                            List.of("n" + (u % 3 + 1), "n" + ((u + 1) % 3 + 1)).stream().sorted().toArray(String[]::new));
                }
                List<CompletableFuture<String>> runs = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    WsClient starter = clients.get(u)[0];
                    String messageId = "m-" + u;
                    runs.add(CompletableFuture.supplyAsync(() -> {
                        starter.send(Map.of("type", "user_message", "message_id", messageId,
                                "payload", Map.of("content", "question")));
                        return starter.awaitReply(messageId).path("run_id").asText();
                    }, pool));
                }
                Set<String> allRuns = new HashSet<>();
                for (int u = 0; u < users; u++) {
                    String runId = runs.get(u).get();
                    allRuns.add(runId);
                    for (WsClient client : clients.get(u)) {
                        List<JsonNode> events = client.awaitRun(runId);
                        assertStrictlyIncreasingSeq(events);
                    }
                }
                assertThat(allRuns).hasSize(users);
                for (int u = 0; u < users; u++) {
                    String own = runs.get(u).get();
                    for (WsClient client : clients.get(u)) {
                        Set<String> seen = new HashSet<>();
                        client.seen().stream().filter(frame -> frame.has("run_id"))
                                .forEach(frame -> seen.add(frame.path("run_id").asText()));
                        assertThat(seen).as("runs seen by a connection of user-%d", u).containsExactly(own);
                    }
                }
            } finally {
                clients.forEach(pair -> List.of(pair).forEach(WsClient::close));
                pool.shutdownNow();
            }
        }
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(event -> event.path("type").asText()).toList();
    }

    static void assertStrictlyIncreasingSeq(List<JsonNode> events) {
        int last = 0;
        for (JsonNode event : events) {
            if (event.has("seq")) {
                assertThat(event.path("seq").asInt()).as("seq after %d", last).isGreaterThan(last);
                last = event.path("seq").asInt();
            }
        }
        assertThat(last).as("events carried a seq").isPositive();
    }
}
