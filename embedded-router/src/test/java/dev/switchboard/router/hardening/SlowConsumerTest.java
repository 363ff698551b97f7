package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.router.Router;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #9, finding 6: a client that stops reading is cut off as soon as what is queued for it passes
 * the byte limit, within the close grace, and its runs are cancelled at once, not minutes later.
 */
@ExtendWith(NoLeakedThreads.class)
class SlowConsumerTest {

    @Test
    void aClientThatStopsReadingIsClosedWithinTheGraceAndItsRunIsCancelled() throws Exception {
        try (Router router = TestRouters.start(config -> config
                .outboxBytes(64 * 1024).socketSendBuffer(8 * 1024).closeGrace(Duration.ofSeconds(1))
                .agent(SimulatedAgent.Settings.defaults().withStepDelay(Duration.ofSeconds(5))));
             WsClient bystander = WsClient.connect(router.clientUri(), "bystander");
             RawSocket sleeper = RawSocket.upgrade(router.port(), "/ws?user=sleeper", 4096)) {
            sleeper.readFrame();
            sleeper.sendFrame(1, "{\"type\":\"user_message\",\"message_id\":\"m-1\",\"payload\":{\"content\":\"hi\"}}"
                    .getBytes(StandardCharsets.UTF_8), true);
            await().atMost(Duration.ofSeconds(5)).until(() -> router.runsInFlight().size() == 1);

            String pad = "x".repeat(8 * 1024);
            long started = System.nanoTime();
            for (int i = 0; i < 400 && router.connections().stream().anyMatch(c -> c.userId().equals("sleeper")); i++) {
                router.emitToUser("sleeper", ServerEvent.builder(EventType.PONG).put("pad", pad).build());
            }

            await().atMost(Duration.ofSeconds(3)).until(() -> router.connections().stream()
                    .noneMatch(c -> c.userId().equals("sleeper")) && router.runsInFlight().isEmpty());
            Duration unregistered = Duration.ofNanos(System.nanoTime() - started);
            sleeper.readTimeout(5_000);
            assertThat(sleeper.isClosedByServer()).as("the socket is gone after the grace").isTrue();
            assertThat(unregistered).isLessThan(Duration.ofSeconds(3));
            assertThat(router.transportStats().closes(1013)).isEqualTo(1);
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_runs_ended_total{status=\"cancelled\"} 1.0");
            bystander.assertUsable();
        }
    }
}
