package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.Router;
import dev.switchboard.router.support.TestRouters;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class SteadyLoadTest {

    @Test
    void sendsFromEveryUserAndStopsByItself() {
        Router router = TestRouters.start(config -> config.httpPort(-1));
        try (SteadyLoad load = new SteadyLoad(router.clientUri(), 5, 20, 10, Duration.ofMillis(600))) {
            load.start();
            assertThat(load.connectedUsers()).isEqualTo(5);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> router.connections().isEmpty());
            assertThat(load.sent()).isPositive();
            assertThat(load.received()).isGreaterThanOrEqualTo(5);
            assertThat(router.stats().byType().keySet()).contains("ping", "user_message");
        } finally {
            router.stop();
        }
    }
}
