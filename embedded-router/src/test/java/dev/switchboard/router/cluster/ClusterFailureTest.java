package dev.switchboard.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.monitor.wire.ClusterNode;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.support.EmbeddedRedis;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestCluster;
import dev.switchboard.router.support.WsClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A node killed, and Redis stopped and started again mid-run: the cluster degrades and heals by itself. */
@ExtendWith(NoLeakedThreads.class)
class ClusterFailureTest {
    private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+)");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aKilledNodeLeavesTheClusterWithinItsTtlAndTheOthersGoOn(@TempDir Path dir) throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(); TestCluster cluster = new TestCluster(redis)) {
            List<Router> nodes = cluster.start(2);
            Process child = startNodeProcess(redis, "n9", dir);
            try {
                URI childUri = awaitListening(child);
                cluster.awaitMembers(3);
                try (WsClient zoeHere = WsClient.connect(nodes.get(0).clientUri(), "zoe");
                     WsClient zoeThere = WsClient.connect(childUri, "zoe");
                     WsClient yan = WsClient.connect(nodes.get(1).clientUri(), "yan")) {
                    TestCluster.awaitUserOn(nodes.get(0), "zoe", "n1", "n9");
                    zoeThere.assertUsable();

                    child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    long killedAt = System.nanoTime();

                    await().atMost(Duration.ofSeconds(5)).until(() -> nodes.get(0).cluster("zoe").userNodes()
                            .equals(List.of("n1")));
                    await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(nodes.get(1), "n9")
                            .equals(ClusterNode.DOWN));
                    long goneAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                    assertThat(goneAfterMs).as("ms until n9 was gone").isLessThan(
                            TestCluster.NODE_TTL.toMillis() + 2_000);
                    zoeHere.assertUsable();
                    yan.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
                    String runId = yan.awaitReply("m-1").path("run_id").asText();
                    assertThat(ClusterDeliveryTest.types(yan.awaitRun(runId))).last().isEqualTo("agent_completed");
                    assertThat(nodes.get(0).cluster(null).clusterState()).isEqualTo(ClusterView.OK);
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void redisStoppedMidRunDegradesTheNodesWhichServeTheirOwnUsersAndHealWhenItReturns() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(); TestCluster cluster = new TestCluster(redis)) {
            List<Router> nodes = cluster.start(2, TestCluster::slowAgent);
            Router first = nodes.get(0);
            try (WsClient here = WsClient.connect(first.clientUri(), "alice");
                 WsClient there = WsClient.connect(nodes.get(1).clientUri(), "alice")) {
                TestCluster.awaitUserOn(first, "alice", "n1", "n2");
                here.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
                String runId = here.awaitReply("m-1").path("run_id").asText();
                there.await(frame -> frame.path("type").asText().equals("agent_started"));

                redis.stop();

                await().atMost(Duration.ofSeconds(5)).until(() -> first.cluster(null).clusterState()
                        .equals(ClusterView.DEGRADED));
                JsonNode health = json(get(first, "/health"));
                assertThat(health.path("status").asText()).isEqualTo("up");
                assertThat(health.path("cluster").asText()).isEqualTo("degraded");
                assertThat(health.path("cluster_problem").asText()).contains("Redis");
                List<JsonNode> events = here.awaitRun(runId);
                assertThat(events.get(events.size() - 1).path("data").path("status").asText()).isEqualTo("completed");
                String metrics = get(first, "/metrics");
                assertThat(metric(metrics, "switchboard_cluster_redis_up")).isEqualTo(0.0);
                assertThat(metric(metrics, "switchboard_cluster_undelivered_total")).as("events that could not cross")
                        .isPositive();
                there.assertUsable();

                redis.startAgain();

                cluster.awaitMembers(2);
                TestCluster.awaitUserOn(first, "alice", "n1", "n2");
                assertThat(json(get(first, "/health")).path("cluster").asText()).isEqualTo("ok");
                here.send(Map.of("type", "user_message", "message_id", "m-2", "payload", Map.of("content", "again")));
                String second = here.awaitReply("m-2").path("run_id").asText();
                List<JsonNode> crossed = there.awaitRun(second);
                assertThat(ClusterDeliveryTest.types(crossed)).first().isEqualTo("agent_started");
                assertThat(metric(get(first, "/metrics"), "switchboard_cluster_redis_up")).isEqualTo(1.0);
            }
        }
    }

    private static String stateOf(Router node, String nodeId) {
        return node.cluster(null).members().stream().filter(member -> member.nodeId().equals(nodeId))
                .map(ClusterNode::state).findFirst().orElse("absent");
    }

    private static Process startNodeProcess(EmbeddedRedis redis, String nodeId, Path dir) throws IOException {
        Path config = dir.resolve("router.yaml");
        Files.writeString(config, String.join("\n",
                "port: 0",
                "http_port: -1",
                "dev_auth: true",
                "cluster:",
                "  redis: \"" + redis.url() + "\"",
                "  node_id: " + nodeId,
                "  heartbeat_ms: " + TestCluster.HEARTBEAT.toMillis(),
                "  node_ttl_ms: " + TestCluster.NODE_TTL.toMillis(),
                ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.switchboard.router.server.Main", "serve", "--config", config.toString())
                .redirectErrorStream(true).start();
    }

    private static URI awaitListening(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            seen.append(line).append('\n');
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(ignored -> { }), "test-child-output");
                drain.setDaemon(true);
                drain.start();
                return URI.create(matcher.group(1));
            }
        }
        throw new AssertionError("the node process ended before listening:\n" + seen);
    }

    private String get(Router node, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode json(String body) throws IOException {
        return dev.switchboard.router.protocol.Json.mapper().readTree(body);
    }

    private static double metric(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no metric " + name));
    }
}
