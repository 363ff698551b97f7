package dev.switchboard.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.support.EmbeddedRedis;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestCluster;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** stop_agent across nodes, and per-user limits shared by the nodes, over a real Redis. */
@ExtendWith(NoLeakedThreads.class)
class ClusterRunsAndLimitsTest {
    @RegisterExtension
    static final EmbeddedRedis.PerClass REDIS = new EmbeddedRedis.PerClass();

    @Test
    void stopAgentSentToAnotherNodeStopsTheRunOnItsOwner() {
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(2, TestCluster::slowAgent);
            try (WsClient starter = WsClient.connect(nodes.get(0).clientUri(), "alice");
                 WsClient other = WsClient.connect(nodes.get(1).clientUri(), "alice")) {
                TestCluster.awaitUserOn(nodes.get(1), "alice", "n1", "n2");
                starter.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
                String runId = starter.awaitReply("m-1").path("run_id").asText();
                other.await(frame -> frame.path("type").asText().equals("agent_started"));

                other.send(Map.of("type", "stop_agent", "message_id", "s-1", "payload", Map.of("run_id", runId)));

                List<JsonNode> events = other.awaitRun(runId);
                assertThat(events.get(events.size() - 1).path("data").path("status").asText()).isEqualTo("cancelled");
                List<JsonNode> startersView = starter.awaitRun(runId);
                assertThat(startersView.get(startersView.size() - 1).path("data").path("status").asText())
                        .isEqualTo("cancelled");
                assertThat(other.seen()).noneMatch(frame -> "s-1".equals(frame.path("reply_to").asText(null))
                        && frame.path("type").asText().equals("error"));
            }
        }
    }

    @Test
    void anotherUsersStopAgentOnAnotherNodeIsNotFoundAndTheRunGoesOn() {
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(2, TestCluster::slowAgent);
            try (WsClient alice = WsClient.connect(nodes.get(0).clientUri(), "alice");
                 WsClient mallory = WsClient.connect(nodes.get(1).clientUri(), "mallory")) {
                alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
                String runId = alice.awaitReply("m-1").path("run_id").asText();

                mallory.send(Map.of("type", "stop_agent", "message_id", "s-1", "payload", Map.of("run_id", runId)));

                JsonNode refusal = mallory.awaitReply("s-1");
                assertThat(refusal.path("type").asText()).isEqualTo("error");
                assertThat(refusal.path("code").asText()).isEqualTo("not_found");
                List<JsonNode> events = alice.awaitRun(runId);
                assertThat(events.get(events.size() - 1).path("data").path("status").asText()).isEqualTo("completed");
                assertThat(mallory.seen()).noneMatch(frame -> runId.equals(frame.path("run_id").asText(null)));
            }
        }
    }

    @Test
    void aStopAgentForARunThatExistsNowhereIsNotFound() {
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(2);
            try (WsClient alice = WsClient.connect(nodes.get(1).clientUri(), "alice")) {
                alice.send(Map.of("type", "stop_agent", "message_id", "s-1", "payload", Map.of("run_id", "r-nope")));
                assertThat(alice.awaitReply("s-1").path("code").asText()).isEqualTo("not_found");
            }
        }
    }

    @Test
    void aUserFloodingThroughTwoNodesIsLimitedAsOneUser() {
        // large enough that a compare-and-swap per message, all contending, would not be answered
        // within the 250 ms a message waits for Redis (and each node would then decide alone)
        int burst = 100;
        RateLimitPolicy limits = new RateLimitPolicy(new RateLimit(60, burst), new RateLimit(6_000, 1_000),
                RateLimit.livenessDefaults(), Map.of());
        try (TestCluster cluster = new TestCluster(REDIS.redis())) {
            List<Router> nodes = cluster.start(2, builder -> builder.rateLimits(limits));
            try (WsClient first = WsClient.connect(nodes.get(0).clientUri(), "flooder");
                 WsClient second = WsClient.connect(nodes.get(1).clientUri(), "flooder");
                 WsClient bystander = WsClient.connect(nodes.get(1).clientUri(), "bystander")) {
                int sent = 150;
                // each node's first shared check (its script loaded, its code cold) done by someone else
                for (Router node : nodes) {
                    try (WsClient warmer = WsClient.connect(node.clientUri(), "warmer")) {
                        warmer.send(Map.of("type", "get_quality_metrics", "message_id", "w", "payload", Map.of()));
                        warmer.awaitReply("w");
                    }
                }
                REDIS.redis().resetCommandStats();
                for (int i = 0; i < sent; i++) {
                    first.send(Map.of("type", "get_quality_metrics", "message_id", "a-" + i, "payload", Map.of("n", i)));
                    second.send(Map.of("type", "get_quality_metrics", "message_id", "b-" + i, "payload", Map.of("n", i)));
                }
                // refusals are answered at once, admitted messages after dispatch: replies come in any order
                List<JsonNode> replies = new java.util.ArrayList<>();
                for (WsClient client : List.of(first, second)) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> replies(client).size() == sent);
                    replies.addAll(replies(client));
                }
                int admitted = 0;
                int limited = 0;
                for (JsonNode reply : replies) {
                    if (reply.path("code").asText().equals("rate_limited")) {
                        limited++;
                        assertThat(reply.path("retry_after_ms").asLong()).isPositive();
                    } else {
                        admitted++;
                    }
                }
                // one bucket of 100 for the user across both nodes (a token or two may refill meanwhile),
                // not one per node (which would admit 200)
                assertThat(admitted).as("messages admitted across both nodes").isBetween(burst, burst + 2);
                assertThat(limited).isEqualTo(2 * sent - admitted);
                // the messages each node let through (its own burst of 100) share compare-and-swaps
                // in Redis: fewer commands than messages, where a contested compare-and-swap each
                // would cost at least two (a GET and an EVAL) and more for every retry
                Map<String, Long> commands = REDIS.redis().commandCalls();
                assertThat(commands.getOrDefault("get", 0L) + commands.getOrDefault("eval", 0L)
                        + commands.getOrDefault("evalsha", 0L)).isLessThan(2 * burst);
                bystander.send(Map.of("type", "get_quality_metrics", "message_id", "x", "payload", Map.of()));
                assertThat(bystander.awaitReply("x").path("type").asText()).isNotEqualTo("error");
            }
        }
    }

    private static List<JsonNode> replies(WsClient client) {
        return client.seen().stream().filter(frame -> frame.has("reply_to")).toList();
    }
}
