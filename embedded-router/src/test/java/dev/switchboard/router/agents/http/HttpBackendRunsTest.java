package dev.switchboard.router.agents.http;

import static dev.switchboard.router.agents.http.ExampleAgentService.Step.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RolloutSpec;
import dev.switchboard.router.agents.SlaGuard;
import dev.switchboard.router.agents.http.ExampleAgentService.Reply;
import dev.switchboard.router.agents.http.ExampleAgentService.Step;
import dev.switchboard.router.protection.BreakerPolicy;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs served by http backends, end to end: a real router on loopback, real HTTP services (the JDK's
 * server), real WebSocket clients, and what a user sees.
 */
class HttpBackendRunsTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable each : closing) {
            each.close();
        }
    }

    @Test
    void aRunStreamsTheServicesEventsWithTheRoutersSeq() throws Exception {
        ExampleAgentService research = service(ExampleAgentService.standard(5));
        Router router = router(config -> config.backends(List.of(http("research", research.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", "research", "What is the weather?");

            assertThat(types(events)).containsExactly("agent_started", "agent_thinking", "tool_executing",
                    "tool_completed", "agent_thinking", "agent_completed");
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).path("seq").asInt()).isEqualTo(i + 1);
            }
            assertThat(events.get(0).path("data").path("backend").asText()).isEqualTo("research");
            assertThat(events.get(0).path("data").has("retried_from")).isFalse();
            assertThat(events.get(2).path("data").path("input").path("query").asText()).isEqualTo("What is the weather?");
            assertThat(events.get(5).path("data").path("result").asText()).isEqualTo("Example answer to: What is the weather?");
            JsonNode request = research.received().get(0).body();
            assertThat(request.path("run_id").asText()).isEqualTo(events.get(0).path("run_id").asText());
            assertThat(request.path("user_id").asText()).isEqualTo("alice");
            assertThat(request.path("agent").asText()).isEqualTo("research");
        }
    }

    @Test
    void eachStreamedEventIsTimedOnceFromItsReadToItsFrameWrittenPerBackend() throws Exception {
        ExampleAgentService research = service(ExampleAgentService.standard(5));
        Router router = router(config -> config.backends(List.of(http("research", research.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient aliceOtherTab = WsClient.connect(router.clientUri(), "alice")) {
            long before = System.nanoTime();
            List<JsonNode> events = run(alice, "m-1", "research", "What is the weather?");
            double runSeconds = (System.nanoTime() - before) / 1e9;

            // agent_thinking, tool_executing, tool_completed, agent_thinking: timed on one of alice's two connections
            assertThat(types(events)).hasSize(6);
            String series = "switchboard_backend_event_latency_seconds_count{backend=\"research\"";
            await().atMost(Duration.ofSeconds(5)).until(() -> metric(router, series) == 4.0);
            double seconds = metric(router, "switchboard_backend_event_latency_seconds_sum{backend=\"research\"");
            assertThat(seconds).isPositive().isLessThan(runSeconds);
            assertThat(metric(router, "switchboard_backend_event_latency_seconds_bucket{backend=\"research\",le=\"+Inf\""))
                    .isEqualTo(4.0);
        }
    }

    @Test
    void aSlowFirstEventEndsTheRunWithTimeoutAndAnError() throws Exception {
        ExampleAgentService slow = service(run -> Reply.stream(List.of(event(3_000, "agent_thinking", "{}")))
                .withKeepAlive(20)); // comments are no events: they keep the stream alive, not the first-event timer
        Router router = router(config -> config.backends(List.of(BackendSpec.http("slow",
                HttpBackendSettings.of(slow.runsUrl()).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200),
                        Duration.ofSeconds(30), Duration.ofSeconds(60)), 1, Duration.ofSeconds(5)))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", "slow", "hi");

            assertThat(types(events)).containsExactly("agent_started", "error", "agent_completed");
            JsonNode error = events.get(1);
            assertThat(error.path("code").asText()).isEqualTo("timeout");
            assertThat(error.path("run_id").asText()).isEqualTo(events.get(0).path("run_id").asText());
            assertThat(events.get(2).path("data").path("status").asText()).isEqualTo("failed");
            assertThat(events.get(2).path("data").path("reason").asText()).isEqualTo("timeout");
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.aborted() == 1);
            assertThat(metric(router, "switchboard_errors_sent_total{code=\"timeout\"")).isEqualTo(1.0);
        }
    }

    @Test
    void aServerErrorWithNoOtherBackendFailsAsUnavailable() throws Exception {
        ExampleAgentService broken = service(run -> new Reply(500, "text/plain", List.of(), 0));
        Router router = router(config -> config.backends(List.of(http("broken", broken.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", "broken", "hi");

            assertThat(types(events)).containsExactly("agent_started", "error", "agent_completed");
            assertThat(events.get(1).path("code").asText()).isEqualTo("backend_unavailable");
            assertThat(events.get(2).path("data").path("reason").asText()).isEqualTo("backend_unavailable");
        }
    }

    @Test
    void aRefusedConnectionIsRetriedOnceOnAnotherBackend() throws Exception {
        ExampleAgentService good = service(ExampleAgentService.standard(0));
        Router router = router(config -> config.backends(List.of(http("dead", deadUrl()), http("good", good.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", "dead", "hi");

            assertThat(types(events)).containsExactly("agent_started", "agent_thinking", "tool_executing",
                    "tool_completed", "agent_thinking", "agent_completed");
            assertThat(events.get(0).path("data").path("backend").asText()).isEqualTo("good");
            assertThat(events.get(0).path("data").path("retried_from").asText()).isEqualTo("dead");
            assertThat(events.get(0).path("seq").asInt()).isEqualTo(1);
        }
    }

    @Test
    void wrongContentTypeIsRetriedAndAStreamThatBreaksAfterStartingIsNot() throws Exception {
        ExampleAgentService json = service(run -> new Reply(200, "application/json", List.of(Step.raw(0, "{}")), 0));
        ExampleAgentService crashing = service(run -> Reply.stream(List.of(event(0, "agent_thinking",
                "{\"thought\":\"one\"}"), Step.disconnect(20))));
        Router router = router(config -> config.backends(List.of(http("json", json.runsUrl()),
                http("crashing", crashing.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", "json", "hi");

            assertThat(events.get(0).path("data").path("retried_from").asText()).isEqualTo("json");
            assertThat(types(events)).containsExactly("agent_started", "agent_thinking", "error", "agent_completed");
            assertThat(events.get(2).path("code").asText()).isEqualTo("backend_unavailable");
            assertThat(events.get(3).path("data").path("reason").asText()).isEqualTo("backend_unavailable");
        }
    }

    @Test
    void aStreamEndingWithoutCompletionFailsWithItsReason() throws Exception {
        ExampleAgentService quitter = service(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"))));
        Router router = router(config -> config.backends(List.of(http("quitter", quitter.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", "quitter", "hi");

            assertThat(types(events)).containsExactly("agent_started", "agent_thinking", "error", "agent_completed");
            assertThat(events.get(3).path("data").path("reason").asText()).isEqualTo("backend_stream_ended");
        }
    }

    @Test
    void contractViolationsAreDroppedAndCountedPerBackend() throws Exception {
        ExampleAgentService sloppy = service(run -> Reply.stream(List.of(
                Step.raw(0, "garbage without a colon\n\n"),
                event(0, "tool_completed", "{\"tool\":\"never_started\"}"),
                event(0, "agent_dancing", "{}"),
                event(0, "agent_thinking", "\"a string\""),
                event(0, "agent_completed", "{\"status\":\"completed\",\"result\":\"done\"}"),
                event(0, "agent_thinking", "{\"thought\":\"after the end\"}"))));
        Router router = router(config -> config.backends(List.of(http("sloppy", sloppy.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", "sloppy", "hi");

            assertThat(types(events)).containsExactly("agent_started", "agent_completed");
            assertThat(events.get(1).path("data").path("result").asText()).isEqualTo("done");
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    metric(router, "switchboard_backend_contract_violations_total{backend=\"sloppy\"") == 4.0);
            // a dropped event is never written, so never timed
            assertThat(metric(router, "switchboard_backend_event_latency_seconds_count{backend=\"sloppy\"")).isZero();
        }
    }

    @Test
    void stopAgentAbortsTheBackendRequest() throws Exception {
        ExampleAgentService longRunning = service(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"),
                Step.hang())).withKeepAlive(20));
        Router router = router(config -> config.backends(List.of(http("long", longRunning.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient mallory = WsClient.connect(router.clientUri(), "mallory")) {
            String runId = startAgent(alice, "m-1", "long", "hi");
            alice.await(m -> m.path("type").asText().equals("agent_thinking"));

            mallory.send(Map.of("type", "stop_agent", "message_id", "s-0", "payload", Map.of("run_id", runId)));
            assertThat(mallory.awaitReply("s-0").path("code").asText()).isEqualTo("not_found");
            assertThat(longRunning.aborted()).isZero();

            alice.send(Map.of("type", "stop_agent", "message_id", "s-1", "payload", Map.of("run_id", runId)));
            JsonNode completed = alice.await(m -> m.path("type").asText().equals("agent_completed"));
            assertThat(completed.path("data").path("status").asText()).isEqualTo("cancelled");
            await().atMost(Duration.ofSeconds(5)).until(() -> longRunning.aborted() == 1);
            assertThat(longRunning.open()).isZero();
        }
    }

    @Test
    void theUserLeavingCancelsTheRunAndAbortsTheRequest() throws Exception {
        ExampleAgentService longRunning = service(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"),
                Step.hang())).withKeepAlive(20));
        Router router = router(config -> config.backends(List.of(http("long", longRunning.runsUrl()))));
        WsClient alice = WsClient.connect(router.clientUri(), "alice");
        startAgent(alice, "m-1", "long", "hi");
        alice.await(m -> m.path("type").asText().equals("agent_thinking"));

        alice.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> longRunning.aborted() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> router.runsInFlight().isEmpty());
    }

    @Test
    void anUnhealthyBackendIsSkippedUntilItRecovers() throws Exception {
        ExampleAgentService flapping = service(ExampleAgentService.standard(0));
        ExampleAgentService steady = service(ExampleAgentService.standard(0));
        Router router = router(config -> config.backends(List.of(
                BackendSpec.http("flapping", HttpBackendSettings.of(flapping.runsUrl()).withHealthUrl(flapping.healthUrl())
                        .withHealthInterval(Duration.ofMillis(50)), 1, Duration.ofSeconds(5)),
                http("steady", steady.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            flapping.healthy(false);
            long checks = flapping.healthChecks();
            await().atMost(Duration.ofSeconds(5)).until(() -> flapping.healthChecks() > checks + 1);
            for (int i = 0; i < 4; i++) {
                assertThat(run(alice, "a-" + i, "flapping", "hi").get(0).path("data").path("backend").asText())
                        .isEqualTo("steady");
            }
            assertThat(flapping.received()).isEmpty();

            flapping.healthy(true);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    run(alice, "b-" + System.nanoTime(), "flapping", "hi").get(0).path("data").path("backend")
                            .asText().equals("flapping"));
        }
    }

    @Test
    void aBreakerOpenedByFailuresTakesTheBackendOutOfTheStrategy() throws Exception {
        ExampleAgentService good = service(ExampleAgentService.standard(0));
        Router router = router(config -> config.strategy("round_robin")
                .breakers(new BreakerPolicy(50f, 4, 4, Duration.ofSeconds(30), 1))
                .backends(List.of(http("dead", deadUrl()), http("good", good.runsUrl()))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            for (int i = 0; i < 4; i++) {
                JsonNode started = run(alice, "f-" + i, "dead", "hi").get(0);
                assertThat(started.path("data").path("retried_from").asText()).isEqualTo("dead");
            }
            for (int i = 0; i < 4; i++) {
                JsonNode started = run(alice, "u-" + i, null, "hi").get(0);
                assertThat(started.path("data").path("backend").asText()).isEqualTo("good");
                assertThat(started.path("data").has("retried_from")).isFalse();
            }
            assertThat(metric(router, "switchboard_breaker_state{breaker=\"backend:dead\"")).isEqualTo(1.0);
        }
    }

    @Test
    void aShadowRolloutSendsTheCandidateACopyMarkedShadow() throws Exception {
        ExampleAgentService stable = service(ExampleAgentService.standard(0));
        ExampleAgentService candidate = service(ExampleAgentService.standard(0));
        Router router = router(config -> config
                .backends(List.of(http("stable", stable.runsUrl()), http("candidate", candidate.runsUrl())))
                .rollout(new RolloutSpec(Rollout.Mode.SHADOW, "candidate", 100, SlaGuard.Thresholds.defaults())));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<JsonNode> events = run(alice, "m-1", null, "hi");

            assertThat(events.get(0).path("data").path("backend").asText()).isEqualTo("stable");
            assertThat(types(events)).containsExactly("agent_started", "agent_thinking", "tool_executing",
                    "tool_completed", "agent_thinking", "agent_completed");
            await().atMost(Duration.ofSeconds(5)).until(() -> candidate.finished() == 1);
            JsonNode copy = candidate.received().get(0).body();
            assertThat(copy.path("shadow").asBoolean()).isTrue();
            assertThat(copy.path("run_id").asText()).isEqualTo(events.get(0).path("run_id").asText() + "-shadow");
            assertThat(stable.received().get(0).body().path("shadow").asBoolean()).isFalse();
            alice.assertUsable();
            assertThat(alice.seen().stream().filter(m -> m.path("run_id").asText().endsWith("-shadow"))).isEmpty();
        }
    }

    @Test
    void twoHundredConcurrentStreamingRunsOfAHundredUsersNeverCross() throws Exception {
        ExampleAgentService research = service(ExampleAgentService.standard(20));
        Router router = router(config -> config.backends(List.of(http("research", research.runsUrl()))));
        List<WsClient> users = new ArrayList<>();
        try {
            for (int u = 0; u < 100; u++) {
                users.add(WsClient.connect(router.clientUri(), "user" + u));
            }
            for (int u = 0; u < 100; u++) {
                for (int r = 0; r < 2; r++) {
                    users.get(u).send(Map.of("type", "start_agent", "message_id", "m-" + r,
                            "payload", Map.of("agent", "research", "content", "user" + u + " run " + r)));
                }
            }
            List<CompletableFuture<Void>> checks = new ArrayList<>();
            for (int u = 0; u < 100; u++) {
                WsClient user = users.get(u);
                String name = "user" + u;
                checks.add(CompletableFuture.runAsync(() -> {
                    user.await(m -> m.path("type").asText().equals("agent_completed"));
                    user.await(m -> m.path("type").asText().equals("agent_completed"));
                    List<JsonNode> seen = user.seen();
                    for (int r = 0; r < 2; r++) {
                        String messageId = "m-" + r;
                        String runId = seen.stream().filter(m -> m.path("reply_to").asText().equals(messageId))
                                .findFirst().orElseThrow().path("run_id").asText();
                        List<JsonNode> events = seen.stream().filter(m -> m.path("run_id").asText().equals(runId)
                                && !m.path("type").asText().equals("message_ack")).toList();
                        assertThat(types(events)).containsExactly("agent_started", "agent_thinking",
                                "tool_executing", "tool_completed", "agent_thinking", "agent_completed");
                        assertThat(events.get(5).path("data").path("result").asText())
                                .isEqualTo("Example answer to: " + name + " run " + r);
                    }
                }));
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int u = 0; u < 100; u++) {
                String name = "user" + u;
                assertThat(users.get(u).seen()).allSatisfy(message -> assertThat(
                        message.path("data").path("input").path("query").asText(name + " run "))
                        .startsWith(name + " run "));
            }
            assertThat(research.received()).hasSize(200);
        } finally {
            users.forEach(WsClient::close);
        }
    }

    private ExampleAgentService service(ExampleAgentService.Script script) throws Exception {
        ExampleAgentService service = ExampleAgentService.start(0, script);
        closing.add(service);
        return service;
    }

    private Router router(UnaryOperator<dev.switchboard.router.RouterConfig.Builder> change) {
        Router router = TestRouters.start(change);
        closing.add(0, router::stop);
        return router;
    }

    private static BackendSpec http(String name, URI url) {
        return BackendSpec.http(name, HttpBackendSettings.of(url), 1, Duration.ofSeconds(5));
    }

    private static URI deadUrl() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/runs");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String startAgent(WsClient client, String messageId, String agent, String content) {
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        if (agent != null) {
            payload.put("agent", agent);
        }
        payload.put("content", content);
        client.send(Map.of("type", "start_agent", "message_id", messageId, "payload", payload));
        return client.awaitReply(messageId).path("run_id").asText();
    }

    private static List<JsonNode> run(WsClient client, String messageId, String agent, String content) {
        return client.awaitRun(startAgent(client, messageId, agent, content));
    }

    private static List<String> types(List<JsonNode> events) {
        List<String> types = new ArrayList<>();
        events.forEach(event -> types.add(event.path("type").asText()));
        return types;
    }

    private static double metric(Router router, String prefix) {
        return router.meterRegistry().scrape().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
