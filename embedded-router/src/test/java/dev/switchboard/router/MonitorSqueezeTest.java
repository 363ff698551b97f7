package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
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
    private static WsClient monitor(Router router, Role role) {
        return Monitors.open(router, "oncall-di", role);
    }

    private static JsonNode squeeze(WsClient monitor, UnaryOperator<ObjectNode> fields) {
        return Monitors.command(monitor, "squeeze", command -> fields.apply(command.put("user_id", "alice")));
    }

    @Test
    void anOperatorSqueezesOneUserForAWhileAndEveryMonitorSeesIt() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
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
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
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
