package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedThreads.class)
class AgentRunProtocolTest {
    private static Router router;

    @BeforeAll
    static void startRouter() {
        router = TestRouters.start(config -> config.agent(config.build().agent().withToolCount(2)));
    }

    @AfterAll
    static void stopRouter() {
        router.stop();
    }

    @Test
    void announcesTheConnectionOnOpen() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            JsonNode established = alice.seen().get(0);
            assertThat(established.path("type").asText()).isEqualTo("connection_established");
            assertThat(established.path("user_id").asText()).isEqualTo("alice");
            assertThat(established.path("protocol").asInt()).isEqualTo(1);
            assertThat(established.path("connection_id").asText()).startsWith("c-");
            assertThat(Instant.parse(established.path("server_time").asText())).isBefore(Instant.now().plusSeconds(1));
        }
    }

    @Test
    void deliversFiveEventsInOrderForAUserMessage() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "thread_id", "t-1",
                    "payload", Map.of("content", "What is the weather?")));
            JsonNode ack = alice.awaitReply("m-1");
            assertThat(ack.path("type").asText()).isEqualTo("message_ack");
            String runId = ack.path("run_id").asText();
            assertThat(runId).startsWith("run-");
            assertThat(ack.path("thread_id").asText()).isEqualTo("t-1");

            List<JsonNode> events = alice.awaitRun(runId);
            List<String> types = new ArrayList<>();
            events.forEach(event -> types.add(event.path("type").asText()));
            assertThat(types).containsExactly("agent_started", "agent_thinking",
                    "tool_executing", "tool_completed", "tool_executing", "tool_completed",
                    "agent_thinking", "agent_completed");
            for (int i = 0; i < events.size(); i++) {
                JsonNode event = events.get(i);
                assertThat(event.path("seq").asInt()).isEqualTo(i + 1);
                assertThat(event.path("thread_id").asText()).isEqualTo("t-1");
                assertThat(event.path("timestamp").asText()).isNotEmpty();
                assertThat(event.has("data")).isTrue();
            }
            assertThat(events.get(0).path("data").path("agent").asText()).isEqualTo("simulated");
            JsonNode firstTool = events.get(2).path("data");
            assertThat(firstTool.path("tool").asText()).isEqualTo(events.get(3).path("data").path("tool").asText());
            assertThat(events.get(3).path("data").path("duration_ms").isIntegralNumber()).isTrue();
            JsonNode completed = events.get(events.size() - 1).path("data");
            assertThat(completed.path("status").asText()).isEqualTo("completed");
            assertThat(completed.path("result").asText()).contains("What is the weather?");
        }
    }

    @Test
    void startAgentUsesTheRequestedAgentAndToolsAndANewThread() {
        try (WsClient bob = WsClient.connect(router.clientUri(), "bob")) {
            bob.send(Map.of("type", "start_agent", "message_id", "s-1",
                    "payload", Map.of("content", "plan a trip", "agent", "planner", "tools", List.of("maps"))));
            JsonNode ack = bob.awaitReply("s-1");
            String threadId = ack.path("thread_id").asText();
            assertThat(threadId).startsWith("t-");
            List<JsonNode> events = bob.awaitRun(ack.path("run_id").asText());
            assertThat(events.get(0).path("data").path("agent").asText()).isEqualTo("planner");
            assertThat(events).filteredOn(e -> e.path("type").asText().equals("tool_executing"))
                    .extracting(e -> e.path("data").path("tool").asText()).containsExactly("maps");
            assertThat(events).allSatisfy(e -> assertThat(e.path("thread_id").asText()).isEqualTo(threadId));
        }
    }

    @Test
    void stopAgentCancelsTheRunWithAgentCompletedCancelled() {
        Router slow = TestRouters.start(config -> config.agent(config.build().agent().withStepDelay(Duration.ofMillis(300))));
        try (WsClient alice = WsClient.connect(slow.clientUri(), "alice");
             WsClient mallory = WsClient.connect(slow.clientUri(), "mallory")) {
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "long task")));
            String runId = alice.awaitReply("m-1").path("run_id").asText();
            alice.awaitType("agent_started");

            mallory.send(Map.of("type", "stop_agent", "message_id", "x-1", "payload", Map.of("run_id", runId)));
            JsonNode refused = mallory.awaitReply("x-1");
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(refused.path("code").asText()).isEqualTo("not_found");

            alice.send(Map.of("type", "stop_agent", "message_id", "m-2", "payload", Map.of("run_id", runId)));
            List<JsonNode> events = alice.awaitRun(runId);
            JsonNode last = events.get(events.size() - 1);
            assertThat(last.path("data").path("status").asText()).isEqualTo("cancelled");
            assertThat(events).filteredOn(e -> e.path("type").asText().equals("agent_completed")).hasSize(1);

            alice.send(Map.of("type", "stop_agent", "message_id", "m-3", "payload", Map.of("run_id", runId)));
            assertThat(alice.awaitReply("m-3").path("code").asText()).isEqualTo("not_found");
        } finally {
            slow.stop();
        }
    }

    @Test
    void closingTheConnectionCancelsItsRuns() {
        Router slow = TestRouters.start(config -> config.agent(config.build().agent().withStepDelay(Duration.ofMillis(300))));
        try (WsClient alice = WsClient.connect(slow.clientUri(), "alice")) {
            WsClient tab = WsClient.connect(slow.clientUri(), "alice");
            tab.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "x")));
            String runId = tab.awaitReply("m-1").path("run_id").asText();
            tab.close();
            JsonNode completed = alice.await(m -> m.path("type").asText().equals("agent_completed")
                    && m.path("run_id").asText().equals(runId));
            assertThat(completed.path("data").path("status").asText()).isEqualTo("cancelled");
            assertThat(completed.path("data").path("error").asText()).isEqualTo("connection closed");
        } finally {
            slow.stop();
        }
    }

    @Test
    void aFailingAgentStillEndsItsRunWithAgentCompletedFailed() {
        Router failing = TestRouters.start(config -> config.agent(config.build().agent().withFailureRate(1.0)));
        try (WsClient alice = WsClient.connect(failing.clientUri(), "alice")) {
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "x")));
            List<JsonNode> events = alice.awaitRun(alice.awaitReply("m-1").path("run_id").asText());
            JsonNode data = events.get(events.size() - 1).path("data");
            assertThat(data.path("status").asText()).isEqualTo("failed");
            assertThat(data.path("error").asText()).contains("simulated failure");
            assertThat(events.get(0).path("type").asText()).isEqualTo("agent_started");
        } finally {
            failing.stop();
        }
    }
}
