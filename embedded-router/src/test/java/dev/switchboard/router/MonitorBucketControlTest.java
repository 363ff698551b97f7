package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Clock;
import java.time.Duration;
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
    private static final String SECRET = "bucket-control-test-secret-of-32-bytes-or-more";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    private final AtomicInteger ids = new AtomicInteger();

    private WsClient monitor(Router router, Role role) {
        return WsClient.monitor(router.port(), tokens.mint("oncall-cy", role, Duration.ofMinutes(5)));
    }

    private JsonNode bucket(WsClient monitor, String user, String action) {
        String id = "b-" + ids.incrementAndGet();
        monitor.send(JSON.createObjectNode().put("type", "bucket").put("message_id", id).put("user_id", user)
                .put("action", action).toString());
        return monitor.awaitReply(id);
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
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET));
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
