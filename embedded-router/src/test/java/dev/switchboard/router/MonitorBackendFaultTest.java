package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's {@code backend_fault} command, over real sockets: an operator pauses the simulated
 * backend, slows it down or makes it fail, and the runs users start show it; the fault is lifted on
 * {@code reset} or when its time is up, and a viewer may not inject one.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorBackendFaultTest {
    private final AtomicInteger ids = new AtomicInteger();

    private static WsClient monitor(Router router, Role role) {
        return Monitors.open(router, "oncall-bo", role);
    }

    private static JsonNode fault(WsClient monitor, UnaryOperator<ObjectNode> fields) {
        return Monitors.command(monitor, "backend_fault", command -> fields.apply(command.put("name", "simulated")));
    }

    /** Starts a run as {@code user} and returns its events, agent_started to agent_completed. */
    private List<JsonNode> run(WsClient user) {
        String id = "m-" + ids.incrementAndGet();
        user.send(Map.of("type", "user_message", "message_id", id, "payload", Map.of("content", "hi")));
        return user.awaitRun(user.awaitReply(id).path("run_id").asText());
    }

    /** How the run ended: {@code completed}, or {@code failed:} and why (a backend's reason, else the error). */
    private static String outcome(List<JsonNode> events) {
        JsonNode data = events.get(events.size() - 1).path("data");
        String why = data.has("reason") ? data.path("reason").asText() : data.path("error").asText("");
        return data.path("status").asText() + (why.isEmpty() ? "" : ":" + why);
    }

    @Test
    void anInjectedFailureRatePausesAndLatencyShowInTheRunsAndAResetLiftsThem() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient operator = monitor(router, Role.OPERATOR)) {
            assertThat(outcome(run(alice))).isEqualTo("completed");

            JsonNode failing = fault(operator, command -> command.put("action", "inject").put("failure_rate", 1.0));
            assertThat(failing.path("result").path("fault").path("failure_rate").asDouble()).isEqualTo(1.0);
            assertThat(failing.path("result").path("fault").path("by").asText()).isEqualTo("oncall-bo");
            assertThat(Instant.parse(failing.path("result").path("fault").path("expires_at").asText()))
                    .isAfter(Instant.now().plus(Duration.ofMinutes(9)));
            assertThat(outcome(run(alice))).isEqualTo("failed:backend_unavailable");
            JsonNode protection = operator.await(frame -> frame.path("protection").path("backends").path(0)
                    .path("fault").path("failure_rate").asDouble() == 1.0).path("protection");
            assertThat(protection.path("backends").path(0).path("fault").path("by").asText()).isEqualTo("oncall-bo");

            fault(operator, command -> command.put("action", "inject").put("paused", true));
            assertThat(outcome(run(alice))).isEqualTo("failed:unavailable");

            fault(operator, command -> command.put("action", "inject").put("latency_ms", 400));
            List<JsonNode> slow = run(alice);
            assertThat(outcome(slow)).isEqualTo("completed");
            Duration startToFirstStep = Duration.between(Instant.parse(slow.get(0).path("timestamp").asText()),
                    Instant.parse(slow.get(1).path("timestamp").asText()));
            assertThat(startToFirstStep).isGreaterThanOrEqualTo(Duration.ofMillis(400));

            JsonNode lifted = fault(operator, command -> command.put("action", "reset"));
            assertThat(lifted.path("result").path("fault").isNull()).isTrue();
            assertThat(outcome(run(alice))).isEqualTo("completed");
            operator.await(frame -> frame.path("protection").path("backends").path(0).has("fault")
                    && frame.path("protection").path("backends").path(0).path("fault").isNull());
        }
    }

    @Test
    void aFaultIsLiftedWhenItsTimeIsUpAndAViewerMayNotInjectOne() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient operator = monitor(router, Role.OPERATOR);
             WsClient viewer = monitor(router, Role.VIEWER)) {
            assertThat(fault(viewer, command -> command.put("action", "inject").put("paused", true))
                    .path("code").asText()).isEqualTo("forbidden");
            assertThat(outcome(run(alice))).isEqualTo("completed");

            fault(operator, command -> command.put("action", "inject").put("paused", true).put("for_ms", 1_000));
            assertThat(outcome(run(alice))).isEqualTo("failed:unavailable");
            operator.await(frame -> frame.path("protection").path("backends").path(0).path("fault").path("paused")
                    .asBoolean());
            // then, a second later, a protection without it
            operator.await(frame -> frame.path("protection").path("backends").path(0).path("fault").isNull());
            assertThat(outcome(run(alice))).isEqualTo("completed");
        }
    }

    @Test
    void wrongArgumentsAreRefusedNamingTheField() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient operator = monitor(router, Role.OPERATOR)) {
            assertThat(fault(operator, command -> command.put("action", "inject")).path("message").asText())
                    .isEqualTo("inject needs paused, latency_ms or failure_rate");
            assertThat(fault(operator, command -> command.put("action", "inject").put("failure_rate", 1.5))
                    .path("message").asText()).isEqualTo("failure_rate must be a number from 0 to 1");
            assertThat(fault(operator, command -> command.put("action", "inject").put("failure_rate", "0.5"))
                    .path("message").asText()).isEqualTo("failure_rate must be a number from 0 to 1");
            assertThat(fault(operator, command -> command.put("action", "inject").put("latency_ms", 60_001))
                    .path("message").asText()).isEqualTo("latency_ms must be an integer from 0 to 60000");
            assertThat(fault(operator, command -> command.put("action", "inject").put("paused", "yes"))
                    .path("message").asText()).isEqualTo("paused must be true or false");
            assertThat(fault(operator, command -> command.put("action", "reset").put("paused", true))
                    .path("message").asText()).isEqualTo("paused must be absent or null when action is reset");
            assertThat(fault(operator, command -> command.put("action", "pause")).path("message").asText())
                    .isEqualTo("action must be one of inject, reset");
            assertThat(fault(operator, command -> command.put("name", "nope").put("action", "reset"))
                    .path("message").asText()).isEqualTo("name must be the name of a configured backend");
        }
    }
}
