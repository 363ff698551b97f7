package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.monitor.MonitorEndpoint;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's {@code breaker} command, over real sockets: an operator forces a handler's breaker
 * open (its messages are refused with {@code unavailable}), closed, back to normal, or for a while;
 * every command, a viewer's refusal included, is audited as an {@code operator_action} that every
 * monitor sees, in the log and in {@code switchboard_operator_actions_total}.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorBreakerControlTest {
    private final AtomicInteger ids = new AtomicInteger();

    private static WsClient monitor(Router router, String subject, Role role) {
        return Monitors.open(router, subject, role);
    }

    /** Sends a {@code breaker} command; its answer. */
    private static JsonNode breaker(WsClient monitor, String name, String action, Long forMs) {
        return Monitors.command(monitor, "breaker", command -> {
            command.put("name", name).put("action", action);
            return forMs == null ? command : command.put("for_ms", forMs);
        });
    }

    /** Pings as {@code user}; the reply's type ({@code pong} or {@code error}) and code. */
    private String ping(WsClient user) {
        String id = "p-" + ids.incrementAndGet();
        user.send(Map.of("type", "ping", "message_id", id));
        JsonNode reply = user.awaitReply(id);
        return reply.path("type").asText() + (reply.has("code") ? ":" + reply.path("code").asText() : "");
    }

    /** The next {@code operator_action} event {@code monitor} sees with this action and args field. */
    private static JsonNode awaitAction(WsClient monitor, String action, String argField, String argValue) {
        JsonNode update = monitor.await(frame -> frame.path("type").asText().equals("monitor_update")
                && events(frame, action, argField, argValue) != null);
        return events(update, action, argField, argValue);
    }

    private static JsonNode events(JsonNode update, String action, String argField, String argValue) {
        for (JsonNode event : update.path("events")) {
            if (event.path("kind").asText().equals("operator_action") && event.path("action").asText().equals(action)
                    && event.path("args").path(argField).asText().equals(argValue)) {
                return event;
            }
        }
        return null;
    }

    @Test
    void anOperatorForcesAHandlersBreakerOpenClosedAndBackAndEveryMonitorSeesWhoDidIt() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient operator = monitor(router, "oncall-ann", Role.OPERATOR);
             WsClient viewer = monitor(router, "watcher", Role.VIEWER)) {
            assertThat(ping(alice)).isEqualTo("pong"); // the handler's breaker exists from its first message

            Instant before = Instant.now();
            JsonNode opened = breaker(operator, "handler:ping", "force_open", null);
            assertThat(opened.path("type").asText()).isEqualTo("command_result");
            assertThat(opened.path("result").path("state").asText()).isEqualTo("forced_open");
            assertThat(opened.path("result").path("by").asText()).isEqualTo("oncall-ann");
            // ten minutes when the command does not say
            assertThat(Instant.parse(opened.path("result").path("expires_at").asText()))
                    .isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(1), Instant.now().plus(Duration.ofMinutes(10)));
            assertThat(ping(alice)).isEqualTo("error:unavailable");

            JsonNode seen = awaitAction(viewer, "breaker", "action", "force_open");
            assertThat(seen.path("by").asText()).isEqualTo("oncall-ann");
            assertThat(seen.path("args").path("name").asText()).isEqualTo("handler:ping");
            assertThat(seen.path("result").path("state").asText()).isEqualTo("forced_open");
            JsonNode protection = viewer.await(frame -> frame.path("protection").path("forced").has("handler:ping"))
                    .path("protection");
            assertThat(protection.path("breakers").path("handler:ping").asText()).isEqualTo("forced_open");
            assertThat(protection.path("forced").path("handler:ping").path("by").asText()).isEqualTo("oncall-ann");

            assertThat(breaker(operator, "handler:ping", "force_closed", 60_000L).path("result").path("state").asText())
                    .isEqualTo("forced_closed");
            assertThat(ping(alice)).isEqualTo("pong");
            assertThat(breaker(operator, "handler:ping", "reset", null).path("result").path("state").asText())
                    .isEqualTo("closed");
            assertThat(router.breakers().states()).containsEntry("handler:ping", "closed");
            assertThat(router.breakers().forced()).isEmpty();
            awaitAction(viewer, "breaker", "action", "reset");

            // a viewer may watch, not act: refused, and audited as refused
            JsonNode refused = breaker(viewer, "handler:ping", "force_open", null);
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(router.breakers().states()).containsEntry("handler:ping", "closed");
            JsonNode attempt = awaitAction(operator, "breaker", "action", "force_open");
            assertThat(attempt.path("by").asText()).isEqualTo("watcher");
            assertThat(attempt.path("result").path("error").asText()).isEqualTo("forbidden");

            // a monitor that attaches later sees in its snapshot what was done before it came
            try (WsClient late = monitor(router, "late", Role.VIEWER)) {
                JsonNode actions = late.snapshot().path("recent_actions");
                // what was done, not the refusals (which could otherwise push it out)
                assertThat(actions).hasSize(3);
                assertThat(actions.get(0).path("args").path("action").asText()).isEqualTo("force_open");
                assertThat(actions.get(0).path("by").asText()).isEqualTo("oncall-ann");
                assertThat(actions.get(2).path("args").path("action").asText()).isEqualTo("reset");
            }

            String metrics = router.meterRegistry().scrape();
            assertThat(metrics).contains("switchboard_operator_actions_total{action=\"breaker\",outcome=\"done\"} 3.0")
                    .contains("switchboard_operator_actions_total{action=\"breaker\",outcome=\"refused\"} 1.0");
        }
    }

    @Test
    void aForcedBreakerGoesBackToNormalByItselfWhenItsTimeIsUp() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient operator = monitor(router, "oncall-ann", Role.OPERATOR)) {
            ping(alice);
            breaker(operator, "handler:ping", "force_open", 3_600_000L);
            breaker(operator, "handler:ping", "force_open", 1_000L); // the later force's time is the one that counts
            assertThat(ping(alice)).isEqualTo("error:unavailable");
            JsonNode back = operator.await(frame -> frame.path("type").asText().equals("monitor_update")
                    && frame.path("events").findValues("kind").stream().anyMatch(kind -> kind.asText().equals("breaker"))
                    && frame.path("events").findValues("to").stream().anyMatch(to -> to.asText().equals("closed")));
            assertThat(back).isNotNull();
            assertThat(ping(alice)).isEqualTo("pong");
            assertThat(router.breakers().forced()).isEmpty();

            // an earlier force's time running out does not undo a later one
            breaker(operator, "handler:ping", "force_open", 1_000L);
            breaker(operator, "handler:ping", "force_closed", 60_000L);
            // still forced closed throughout, past the first force's time
            Awaitility.await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
                    .until(() -> "forced_closed".equals(router.breakers().states().get("handler:ping")));
        }
    }

    @Test
    void aHandlersBreakerCanBeForcedBeforeItsFirstMessage() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient operator = monitor(router, "oncall-ann", Role.OPERATOR)) {
            assertThat(router.breakers().states()).doesNotContainKey("handler:ping");
            assertThat(breaker(operator, "handler:ping", "force_open", null).path("result").path("state").asText())
                    .isEqualTo("forced_open");
            assertThat(ping(alice)).isEqualTo("error:unavailable");
            // a type without a handler has no breaker to force
            assertThat(breaker(operator, "handler:no_such_type", "force_open", null).path("code").asText())
                    .isEqualTo("invalid_message");
            assertThat(router.breakers().states()).doesNotContainKey("handler:no_such_type");
        }
    }

    @Test
    void aViewerFloodingRefusedCommandsReachesTheOtherMonitorsOnceASecondAndIsCountedInFull() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient operator = monitor(router, "oncall-ann", Role.OPERATOR);
             WsClient viewer = monitor(router, "watcher", Role.VIEWER)) {
            for (int i = 0; i < 10; i++) {
                assertThat(breaker(viewer, "backend:simulated", "force_open", null).path("code").asText())
                        .isEqualTo("forbidden");
            }
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"breaker\",outcome=\"refused\"} 10.0");
            awaitAction(operator, "breaker", "name", "backend:simulated");
            for (int i = 0; i < 5; i++) {
                operator.awaitType("monitor_update"); // half a second more of updates
            }
            // the nine others, sent within the same second, were counted only
            assertThat(operator.seen().stream().filter(frame -> frame.path("type").asText().equals("monitor_update"))
                    .flatMap(frame -> java.util.stream.StreamSupport.stream(frame.path("events").spliterator(), false))
                    .filter(event -> event.path("kind").asText().equals("operator_action"))).hasSize(1);
            assertThat(router.breakers().states()).containsEntry("backend:simulated", "closed");
        }
    }

    @Test
    void wrongArgumentsAreRefusedNamingTheFieldAndChangeNothing() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient operator = monitor(router, "oncall-ann", Role.OPERATOR)) {
            ping(alice);
            // first (one refusal a second per sender is published): the audit records a command's own
            // fields, and a text that is not an id by its length only, so that no one floods the
            // monitors through it
            operator.send(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("type", "breaker").put("message_id", "big")
                    .put("name", "x".repeat(5_000)).put("action", "reset").put("junk", "y".repeat(20_000)).toString());
            assertThat(operator.awaitReply("big").path("code").asText()).isEqualTo("invalid_message");
            JsonNode audited = awaitAction(operator, "breaker", "name", "(not an id: 5000 characters)");
            assertThat(audited.path("args").has("junk")).isFalse();
            assertThat(audited.path("args").path("action").asText()).isEqualTo("reset");
            assertThat(breaker(operator, "handler:no_such", "force_open", null).path("message").asText())
                    .isEqualTo("name must be the name of one of the router's breakers (protection.breakers)");
            assertThat(breaker(operator, "handler:ping", "open", null).path("message").asText())
                    .isEqualTo("action must be one of force_open, force_closed, reset");
            assertThat(breaker(operator, "handler:ping", "force_open", 10L).path("message").asText())
                    .isEqualTo("for_ms must be an integer from 1000 to 86400000");
            assertThat(breaker(operator, "handler:ping", "reset", 5_000L).path("message").asText())
                    .isEqualTo("for_ms must be absent or null when action is reset");
            assertThat(breaker(operator, "", "reset", null).path("code").asText()).isEqualTo("invalid_message");
            assertThat(router.breakers().states()).containsEntry("handler:ping", "closed");
            assertThat(ping(alice)).isEqualTo("pong");
        }
    }
}
