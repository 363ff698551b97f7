package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RolloutSpec;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.agents.SlaGuard;
import dev.switchboard.router.protection.BreakerPolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Breakers, backends, strategies and rollouts as a client sees them. */
@ExtendWith(NoLeakedThreads.class)
class RoutingEngineTest {
    private static final BreakerPolicy TRIGGER_HAPPY = new BreakerPolicy(50f, 4, 4, Duration.ofSeconds(30), 1);
    private static final RateLimitPolicy GENEROUS = new RateLimitPolicy(new RateLimit(100_000, 5_000),
            new RateLimit(100_000, 5_000), new RateLimit(100_000, 5_000), Map.of());

    private static BackendSpec backend(String name, double failureRate) {
        return new BackendSpec(new SimulatedAgent.Settings(name, Duration.ofMillis(2), 1, 1, failureRate,
                Duration.ZERO, 7L), 1, Duration.ofMillis(500));
    }

    /** Sends a user_message and returns the run's events, agent_completed last. */
    private static List<JsonNode> run(WsClient client, String id) {
        client.send(Map.of("type", "user_message", "message_id", id, "payload", Map.of("content", "q " + id)));
        JsonNode ack = client.awaitReply(id);
        assertThat(ack.path("type").asText()).as("ack of %s: %s", id, ack).isEqualTo("message_ack");
        return client.awaitRun(ack.path("run_id").asText());
    }

    private static JsonNode data(List<JsonNode> events, int index) {
        return events.get(index < 0 ? events.size() + index : index).path("data");
    }

    @Test
    void aFailingHandlerTripsItsBreakerAndIsThenRefusedFast() {
        Router router = TestRouters.start(config -> config.breakers(TRIGGER_HAPPY));
        router.registerHandler("flaky", (context, message) -> {
            throw new IllegalStateException("down");
        });
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            for (int i = 0; i < 4; i++) {
                alice.send(Map.of("type", "flaky", "message_id", "f-" + i));
                assertThat(alice.awaitReply("f-" + i).path("code").asText()).isEqualTo("handler_failed");
            }
            alice.send(Map.of("type", "flaky", "message_id", "f-4"));
            assertThat(alice.awaitReply("f-4").path("code").asText()).isEqualTo("unavailable");
            alice.assertUsable();
            assertThat(router.breakers().states()).containsEntry("handler:flaky", "open");
        } finally {
            router.stop();
        }
        assertThat(router.meterRegistry().get("switchboard.breaker.state").tag("breaker", "handler:flaky")
                .gauge().value()).isEqualTo(1.0);
    }

    @Test
    void anOpenBackendIsSkippedAndRunsStillEndWithAgentCompleted() {
        Router router = TestRouters.start(config -> config.breakers(TRIGGER_HAPPY).rateLimits(GENEROUS)
                .backends(List.of(backend("broken", 1.0), backend("healthy", 0.0))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            Map<String, Integer> statusByBackend = new HashMap<>();
            for (int i = 0; i < 16; i++) {
                List<JsonNode> events = run(alice, "m-" + i);
                String backend = data(events, 0).path("backend").asText();
                statusByBackend.merge(backend + ":" + data(events, -1).path("status").asText(), 1, Integer::sum);
            }
            assertThat(statusByBackend.get("broken:failed")).isEqualTo(4);
            assertThat(statusByBackend.get("healthy:completed")).isEqualTo(12);
            assertThat(router.breakers().states()).containsEntry("backend:broken", "open");
        } finally {
            router.stop();
        }
    }

    @Test
    void withEveryBackendOpenARunFailsFastWithUnavailable() {
        Router router = TestRouters.start(config -> config.breakers(TRIGGER_HAPPY).rateLimits(GENEROUS)
                .backends(List.of(backend("broken", 1.0))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            for (int i = 0; i < 4; i++) {
                run(alice, "m-" + i);
            }
            List<JsonNode> events = run(alice, "m-last");
            assertThat(events).extracting(e -> e.path("type").asText())
                    .containsExactly("agent_started", "agent_completed");
            assertThat(data(events, -1).path("status").asText()).isEqualTo("failed");
            assertThat(data(events, -1).path("error").asText()).isEqualTo("unavailable");
        } finally {
            router.stop();
        }
    }

    @Test
    void aPartialRolloutKeepsEachUserOnOneSideAndSplitsUsers() {
        Router router = TestRouters.start(config -> config.rateLimits(GENEROUS)
                .backends(List.of(backend("stable", 0.0), backend("canary", 0.0)))
                .rollout(new RolloutSpec(Rollout.Mode.PARTIAL, "canary", 50, SlaGuard.Thresholds.defaults())));
        List<WsClient> clients = new ArrayList<>();
        try {
            Set<String> sides = new HashSet<>();
            for (int u = 0; u < 12; u++) {
                WsClient client = WsClient.connect(router.clientUri(), "user-" + u);
                clients.add(client);
                String first = data(run(client, "a"), 0).path("backend").asText();
                String second = data(run(client, "b"), 0).path("backend").asText();
                assertThat(second).as("user-%d stays on one side", u).isEqualTo(first);
                sides.add(first);
            }
            assertThat(sides).containsExactlyInAnyOrder("stable", "canary");
        } finally {
            clients.forEach(WsClient::close);
            router.stop();
        }
    }

    @Test
    void aFailingCandidateIsRolledBackAutomaticallyAndNoRunIsLeftWithoutAgentCompleted() {
        SlaGuard.Thresholds guard = new SlaGuard.Thresholds(Duration.ofSeconds(60), Duration.ofMillis(50), 0.99, 5);
        Router router = TestRouters.start(config -> config.rateLimits(GENEROUS)
                .backends(List.of(backend("stable", 0.0), backend("canary", 1.0)))
                .rollout(new RolloutSpec(Rollout.Mode.FULL, "canary", 100, guard)));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            Map<String, Integer> outcomes = new HashMap<>();
            for (int i = 0; i < 12; i++) {
                List<JsonNode> events = run(alice, "m-" + i);
                assertThat(events).filteredOn(e -> e.path("type").asText().equals("agent_completed")).hasSize(1);
                outcomes.merge(data(events, 0).path("backend").asText() + ":"
                        + data(events, -1).path("status").asText(), 1, Integer::sum);
            }
            assertThat(outcomes.get("canary:failed")).isEqualTo(5);
            assertThat(outcomes.get("stable:completed")).isEqualTo(7);
            Rollout.State state = router.backends().rollout().state();
            assertThat(state.mode()).isEqualTo(Rollout.Mode.OFF);
            assertThat(state.rollbackReason()).contains("success rate");
        } finally {
            router.stop();
        }
        assertThat(router.meterRegistry().get("switchboard.rollout.transitions").tag("kind", "rollback")
                .functionCounter().count()).isEqualTo(1.0);
    }

    @Test
    void shadowRunsReachTheCandidateButNeverTheUser() {
        Router router = TestRouters.start(config -> config.rateLimits(GENEROUS)
                .backends(List.of(backend("stable", 0.0), backend("canary", 0.0)))
                .rollout(new RolloutSpec(Rollout.Mode.SHADOW, "canary", 100, SlaGuard.Thresholds.defaults())));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            for (int i = 0; i < 5; i++) {
                assertThat(data(run(alice, "m-" + i), 0).path("backend").asText()).isEqualTo("stable");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> router.backends().rollout().candidateWindow().samples() == 5);
            alice.assertUsable();
            assertThat(alice.seen()).noneMatch(m -> m.path("run_id").asText("").endsWith("-shadow"));
            assertThat(alice.seen()).filteredOn(m -> m.path("type").asText().equals("agent_started")).hasSize(5);
            assertThat(router.backends().backend("canary").runs()).isEqualTo(5);
        } finally {
            router.stop();
        }
    }

    @Test
    void rolloutChangesAtRuntimeTakeEffectForTheNextRun() {
        Router router = TestRouters.start(config -> config.rateLimits(GENEROUS)
                .backends(List.of(backend("stable", 0.0), backend("canary", 0.0)))
                .rollout(new RolloutSpec(Rollout.Mode.OFF, "canary", 0, SlaGuard.Thresholds.defaults())));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            assertThat(data(run(alice, "a"), 0).path("backend").asText()).isEqualTo("stable");
            router.backends().rollout(Rollout.Mode.FULL, "canary", 100);
            assertThat(data(run(alice, "b"), 0).path("backend").asText()).isEqualTo("canary");
            router.backends().rollout(Rollout.Mode.OFF, null, 0);
            assertThat(data(run(alice, "c"), 0).path("backend").asText()).isEqualTo("stable");
        } finally {
            router.stop();
        }
    }
}
