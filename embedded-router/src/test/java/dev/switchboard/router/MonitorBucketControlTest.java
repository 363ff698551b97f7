package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's {@code bucket} command, over real sockets: an operator drains a user's rate-limit
 * bucket (its next message is refused with {@code rate_limited}) and fills it again; other users
 * are untouched, and a viewer may not.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorBucketControlTest {
    private final AtomicInteger ids = new AtomicInteger();

    private static WsClient monitor(Router router, Role role) {
        return Monitors.open(router, "oncall-cy", role);
    }

    private static JsonNode bucket(WsClient monitor, String user, String action) {
        return Monitors.command(monitor, "bucket", command -> command.put("user_id", user).put("action", action));
    }

    /** Asks for the quality metrics (an ordinary message, counted by the per-user bucket); the answer's type or code. */
    private String ask(WsClient user) {
        String id = "q-" + ids.incrementAndGet();
        user.send(Map.of("type", "get_quality_metrics", "message_id", id));
        JsonNode reply = user.awaitReply(id);
        return reply.path("type").asText().equals("error") ? reply.path("code").asText() : "answered";
    }

    @Test
    void anOperatorDrainsOneUsersBucketAndFillsItAgain() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient bob = WsClient.connect(router.clientUri(), "bob");
             WsClient operator = monitor(router, Role.OPERATOR);
             WsClient viewer = monitor(router, Role.VIEWER)) {
            assertThat(ask(alice)).isEqualTo("answered");

            JsonNode drained = bucket(operator, "alice", "drain");
            assertThat(drained.path("result").path("tokens").asLong()).isZero();
            assertThat(ask(alice)).isEqualTo("rate_limited");
            assertThat(ask(bob)).isEqualTo("answered");

            assertThat(bucket(viewer, "alice", "refill").path("code").asText()).isEqualTo("forbidden");
            assertThat(ask(alice)).isEqualTo("rate_limited");

            JsonNode filled = bucket(operator, "alice", "refill");
            assertThat(filled.path("result").path("tokens").asLong()).isPositive();
            assertThat(ask(alice)).isEqualTo("answered");

            assertThat(bucket(operator, "alice", "empty").path("message").asText())
                    .isEqualTo("action must be one of drain, refill");
            assertThat(bucket(operator, "bad user!", "drain").path("message").asText())
                    .isEqualTo("user_id is required: 1 to 64 characters of [A-Za-z0-9._@-]");
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"bucket\",outcome=\"done\"} 2.0")
                    .contains("switchboard_operator_actions_total{action=\"bucket\",outcome=\"refused\"} 3.0");
        }
    }
}
