package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's {@code squeeze} command, over real sockets: an operator gives one user less room in
 * the queue and a smaller outbox for a while; the protection state shows it with who did it, and it
 * is lifted on {@code reset} or when its time is up. (What a squeeze does to the user's messages and
 * connections is shown by {@code DispatchQueueTest} and {@code ConnectionRegistryTest}.)
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorSqueezeTest {
    private static final String SECRET = "squeeze-test-secret-of-32-bytes-or-more-ok";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    private final AtomicInteger ids = new AtomicInteger();

    private WsClient monitor(Router router, Role role) {
        return WsClient.monitor(router.port(), tokens.mint("oncall-di", role, Duration.ofMinutes(5)));
    }

    private JsonNode squeeze(WsClient monitor, UnaryOperator<ObjectNode> fields) {
        String id = "s-" + ids.incrementAndGet();
        monitor.send(fields.apply(JSON.createObjectNode().put("type", "squeeze").put("message_id", id)
                .put("user_id", "alice")).toString());
        return monitor.awaitReply(id);
    }

    @Test
    void anOperatorSqueezesOneUserForAWhileAndEveryMonitorSeesIt() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient operator = monitor(router, Role.OPERATOR);
             WsClient viewer = monitor(router, Role.VIEWER)) {
            assertThat(squeeze(viewer, command -> command.put("action", "set").put("outbox_frames", 1))
                    .path("code").asText()).isEqualTo("forbidden");

            JsonNode set = squeeze(operator, command -> command.put("action", "set").put("queue_per_user", 1)
                    .put("outbox_frames", 2));
            assertThat(set.path("result").path("squeeze").path("queue_per_user").asInt()).isEqualTo(1);
            assertThat(set.path("result").path("squeeze").path("outbox_frames").asInt()).isEqualTo(2);
            JsonNode shown = viewer.await(frame -> frame.path("protection").path("squeezed").has("alice"))
                    .path("protection").path("squeezed").path("alice");
            assertThat(shown.path("by").asText()).isEqualTo("oncall-di");
            alice.assertUsable(); // squeezed, not cut off

            JsonNode lifted = squeeze(operator, command -> command.put("action", "reset"));
            assertThat(lifted.path("result").path("squeeze").isNull()).isTrue();
            viewer.await(frame -> frame.path("protection").path("squeezed").isObject()
                    && !frame.path("protection").path("squeezed").has("alice"));

            squeeze(operator, command -> command.put("action", "set").put("outbox_frames", 5).put("for_ms", 1_000));
            viewer.await(frame -> frame.path("protection").path("squeezed").has("alice"));
            viewer.await(frame -> frame.path("protection").path("squeezed").isObject()
                    && !frame.path("protection").path("squeezed").has("alice"));
        }
    }

    @Test
    void wrongArgumentsAreRefusedNamingTheField() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET));
             WsClient operator = monitor(router, Role.OPERATOR)) {
            assertThat(squeeze(operator, command -> command.put("action", "set")).path("message").asText())
                    .isEqualTo("set needs queue_per_user or outbox_frames");
            assertThat(squeeze(operator, command -> command.put("action", "set").put("queue_per_user", 0))
                    .path("message").asText()).isEqualTo("queue_per_user must be an integer from 1 to 1000");
            assertThat(squeeze(operator, command -> command.put("action", "set").put("outbox_frames", 5_000))
                    .path("message").asText()).isEqualTo("outbox_frames must be an integer from 1 to 1000");
            assertThat(squeeze(operator, command -> command.put("action", "reset").put("outbox_frames", 1))
                    .path("message").asText()).isEqualTo("outbox_frames must be absent or null when action is reset");
            assertThat(squeeze(operator, command -> command.put("action", "shrink")).path("message").asText())
                    .isEqualTo("action must be one of set, reset");
        }
    }
}
