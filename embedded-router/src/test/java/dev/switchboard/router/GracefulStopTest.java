package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedThreads.class)
class GracefulStopTest {

    @Test
    void stopEndsRunsWithCancelledThenClosesSocketsWith1001() {
        Router router = TestRouters.start(config -> config.agent(config.build().agent().withStepDelay(Duration.ofSeconds(1))));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "long")));
            String runId = alice.awaitReply("m").path("run_id").asText();
            alice.awaitType("agent_started");
            router.stop();
            List<JsonNode> events = alice.awaitRun(runId);
            assertThat(events.get(events.size() - 1).path("data").path("status").asText()).isEqualTo("cancelled");
            assertThat(alice.awaitClose()).isEqualTo(1001);
            router.stop();
            assertThat(router.state()).isEqualTo(Router.State.STOPPED);
        }
    }

    @Test
    void startingOnPortZeroReportsTheBoundPorts() {
        Router router = TestRouters.start();
        try {
            assertThat(router.port()).isPositive();
            assertThat(router.httpPort()).isPositive().isNotEqualTo(router.port());
            assertThat(router.clientUri().toString()).isEqualTo("ws://127.0.0.1:" + router.port() + "/ws");
        } finally {
            router.stop();
        }
    }

    @Test
    void startingOnATakenPortFailsWithAClearMessage() {
        Router first = TestRouters.start();
        Router second = Router.builder().config(TestRouters.config().port(first.port()).build()).build();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(second::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot listen");
        } finally {
            second.stop();
            first.stop();
        }
    }
}
