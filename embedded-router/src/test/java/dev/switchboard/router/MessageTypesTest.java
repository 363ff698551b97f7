package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Liveness, quality, batch and JSON-RPC messages over a real socket. */
@ExtendWith(NoLeakedThreads.class)
class MessageTypesTest {
    private static Router router;

    @BeforeAll
    static void startRouter() {
        router = TestRouters.start();
    }

    @AfterAll
    static void stopRouter() {
        router.stop();
    }

    @Test
    void answersPingWithPongAndHeartbeatWithAck() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "ping", "message_id", "p-1"));
            JsonNode pong = alice.awaitReply("p-1");
            assertThat(pong.path("type").asText()).isEqualTo("pong");
            assertThat(pong.path("server_time").asText()).isNotEmpty();
            alice.send(Map.of("type", "heartbeat", "message_id", "h-1"));
            assertThat(alice.awaitReply("h-1").path("type").asText()).isEqualTo("heartbeat_ack");
        }
    }

    @Test
    void typingGetsNoReplyButIsCountedAndValidated() {
        long before = router.stats().byType().getOrDefault("typing", 0L);
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "typing", "message_id", "ty-1", "payload", Map.of("state", "start")));
            alice.send(Map.of("type", "typing", "message_id", "ty-2", "payload", Map.of("state", "sideways")));
            assertThat(alice.awaitReply("ty-2").path("code").asText()).isEqualTo("invalid_message");
            alice.assertUsable();
            assertThat(alice.seen()).noneMatch(m -> "ty-1".equals(m.path("reply_to").asText(null)));
        }
        assertThat(router.stats().byType().get("typing")).isEqualTo(before + 2);
    }

    @Test
    void validatesContentAndReportsQualityFigures() {
        try (WsClient carol = WsClient.connect(router.clientUri(), "carol")) {
            carol.send(Map.of("type", "subscribe_quality_alerts", "message_id", "q-0"));
            assertThat(carol.awaitReply("q-0").path("type").asText()).isEqualTo("subscription_ack");

            carol.send(Map.of("type", "validate_content", "message_id", "q-1",
                    "payload", Map.of("content", "A perfectly ordinary question about routing.")));
            JsonNode good = carol.awaitReply("q-1");
            assertThat(good.path("type").asText()).isEqualTo("validation_result");
            assertThat(good.path("valid").asBoolean()).isTrue();
            assertThat(good.path("score").asDouble()).isEqualTo(1.0);
            assertThat(good.path("issues")).isEmpty();

            carol.send(Map.of("type", "validate_content", "message_id", "q-2",
                    "payload", Map.of("content", "<script>alert(1)</script>")));
            JsonNode bad = carol.awaitReply("q-2");
            assertThat(bad.path("valid").asBoolean()).isFalse();
            assertThat(bad.path("issues").get(0).path("code").asText()).isEqualTo("markup_injection");
            assertThat(bad.toString()).doesNotContain("alert(1)");
            JsonNode alert = carol.awaitType("quality_alert");
            assertThat(alert.path("alert").asText()).isEqualTo("validation_failed");

            carol.send(Map.of("type", "user_message", "message_id", "q-3", "payload", Map.of("content", "hi there")));
            carol.awaitRun(carol.awaitReply("q-3").path("run_id").asText());

            carol.send(Map.of("type", "get_quality_metrics", "message_id", "q-4"));
            JsonNode metrics = carol.awaitReply("q-4");
            assertThat(metrics.path("type").asText()).isEqualTo("quality_metrics");
            assertThat(metrics.path("runs").asLong()).isEqualTo(1);
            assertThat(metrics.path("runs_completed").asLong()).isEqualTo(1);
            assertThat(metrics.path("completion_rate").asDouble()).isEqualTo(1.0);
            assertThat(metrics.path("mean_duration_ms").asDouble()).isPositive();
            assertThat(metrics.path("validations").asLong()).isEqualTo(2);
            assertThat(metrics.path("validation_failures").asLong()).isEqualTo(1);

            carol.send(Map.of("type", "generate_quality_report", "message_id", "q-5"));
            JsonNode report = carol.awaitReply("q-5");
            assertThat(report.path("type").asText()).isEqualTo("quality_report");
            assertThat(report.path("user_id").asText()).isEqualTo("carol");
            assertThat(report.path("metrics").path("runs").asLong()).isEqualTo(1);
            assertThat(report.path("findings").toString()).contains("failed validation");
        }
    }

    @Test
    void qualityAlertsReachOnlyTheSubscribedUserWhoseRunFailed() {
        Router failing = TestRouters.start(config -> config.agent(config.build().agent().withFailureRate(1.0)));
        try (WsClient dave = WsClient.connect(failing.clientUri(), "dave");
             WsClient erin = WsClient.connect(failing.clientUri(), "erin")) {
            dave.send(Map.of("type", "subscribe_quality_alerts", "message_id", "s"));
            erin.send(Map.of("type", "subscribe_quality_alerts", "message_id", "s"));
            dave.awaitReply("s");
            erin.awaitReply("s");
            dave.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "x")));
            String runId = dave.awaitReply("m").path("run_id").asText();
            JsonNode alert = dave.awaitType("quality_alert");
            assertThat(alert.path("alert").asText()).isEqualTo("run_failed");
            assertThat(alert.path("run_id").asText()).isEqualTo(runId);
            erin.assertUsable();
            assertThat(erin.seen()).noneMatch(m -> m.path("type").asText().equals("quality_alert"));
        } finally {
            failing.stop();
        }
    }

    @Test
    void routesEachBatchElementAsIfSentAlone() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "batch", "message_id", "b", "payload", Map.of("messages", List.of(
                    Map.of("type", "ping", "message_id", "b-1"),
                    Map.of("type", "no_such_type", "message_id", "b-2"),
                    Map.of("message_id", "b-3"),
                    Map.of("type", "batch", "message_id", "b-4", "payload", Map.of("messages", List.of())),
                    Map.of("type", "validate_content", "message_id", "b-5", "payload", Map.of("content", "fine text"))))));
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                JsonNode reply = alice.await(m -> m.path("reply_to").asText("").startsWith("b-"));
                replies.add(reply.path("reply_to").asText() + ":" + reply.path("type").asText()
                        + (reply.has("code") ? ":" + reply.path("code").asText() : ""));
            }
            assertThat(replies).containsExactly("b-1:pong", "b-2:error:unknown_type", "b-3:error:invalid_message",
                    "b-4:error:invalid_message", "b-5:validation_result");
        }
    }

    @Test
    void refusesABatchOfMoreThanFiftyMessages() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<Map<String, String>> messages = Collections.nCopies(51, Map.of("type", "ping"));
            alice.send(Map.of("type", "batch", "message_id", "big", "payload", Map.of("messages", messages)));
            JsonNode error = alice.awaitReply("big");
            assertThat(error.path("code").asText()).isEqualTo("invalid_message");
            assertThat(error.path("message").asText()).contains("50");
            alice.assertUsable();
        }
    }

    @Test
    void answersJsonRpcRequestsWithJsonRpcResponses() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}");
            JsonNode pong = alice.awaitRpc(7);
            assertThat(pong.path("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(pong.path("result").path("type").asText()).isEqualTo("pong");
            assertThat(pong.has("error")).isFalse();

            alice.send("{\"jsonrpc\":\"2.0\",\"id\":\"u1\",\"method\":\"user_message\",\"params\":{\"content\":\"hi\"}}");
            JsonNode ack = alice.awaitRpc("u1");
            assertThat(ack.path("result").path("type").asText()).isEqualTo("message_ack");
            List<JsonNode> run = alice.awaitRun(ack.path("result").path("run_id").asText());
            assertThat(run.get(run.size() - 1).path("type").asText()).isEqualTo("agent_completed");

            alice.send("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"no_such_method\"}");
            assertThat(alice.awaitRpc(8).path("error").path("code").asInt()).isEqualTo(-32601);

            alice.send("{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"ping\"}");
            assertThat(alice.awaitRpc(9).path("error").path("code").asInt()).isEqualTo(-32600);

            alice.send("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\",\"params\":[1,2]}");
            assertThat(alice.awaitRpc(10).path("error").path("code").asInt()).isEqualTo(-32602);

            alice.send("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"typing\",\"params\":{\"state\":\"start\"}}");
            JsonNode typed = alice.awaitRpc(11);
            assertThat(typed.has("result")).isTrue();
            assertThat(typed.path("result").isNull()).isTrue();

            alice.send("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"stop_agent\",\"params\":{\"run_id\":\"run-nope\"}}");
            JsonNode notFound = alice.awaitRpc(12).path("error");
            assertThat(notFound.path("data").path("code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void aJsonRpcNotificationGetsNoResponse() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}");
            alice.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"heartbeat\"}");
            alice.awaitRpc(1);
            assertThat(alice.seen()).filteredOn(m -> m.has("jsonrpc")).hasSize(1);
        }
    }
}
