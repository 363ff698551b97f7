package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.support.TestRouters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** At the end of a simulation its users say goodbye: the router sees a clean 1000, never a dropped connection. */
class SimulationClosesCleanlyTest {

    @Test
    void everyConnectionEndsWithACleanCloseEvenWithFramesStillComingIn() throws Exception {
        Router router = TestRouters.start(config -> config.httpPort(-1));
        try {
            // a hundred users chatting until the end: frames are still on their way when the users close
            Scenario scenario = Scenario.parse(new ObjectMapper().readTree("""
                    {"name":"goodbye","users":100,"user_prefix":"bye","duration_ms":2000,"drain_ms":0,
                     "think_time":{"distribution":"fixed","mean_ms":20},
                     "mix":{"ping":3,"user_message":1}}"""), "test");
            SimReport report;
            try (Simulation simulation = new Simulation(List.of(router.clientUri()), scenario, null)) {
                report = simulation.start().report().get(60, TimeUnit.SECONDS);
            }
            assertThat(report.connectionsOpened()).isEqualTo(100);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> router.connections().isEmpty());
            assertThat(router.transportStats().closes(1006)).as("connections dropped without a close").isZero();
            assertThat(router.transportStats().closes(1000)).isEqualTo(100);
        } finally {
            router.stop();
        }
    }
}
