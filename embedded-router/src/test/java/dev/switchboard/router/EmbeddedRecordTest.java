package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.monitor.EmbeddedRecording;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Router#record}: the embedding process records the traffic without a monitor connection,
 * audited and counted as the monitor command {@code record}; its consumer runs on a thread of its
 * own, bounded, and the recording ends with the router.
 */
@ExtendWith(NoLeakedThreads.class)
class EmbeddedRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode read(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> entries(List<String> frames) {
        List<JsonNode> entries = new ArrayList<>();
        frames.stream().map(EmbeddedRecordTest::read).forEach(frame -> frame.path("entries").forEach(entries::add));
        return entries;
    }

    private static long dropped(List<String> frames) {
        return frames.stream().map(EmbeddedRecordTest::read).mapToLong(frame -> frame.path("dropped").asLong()).sum();
    }

    private static boolean recordedBy(JsonNode monitorFrame, String action) {
        for (JsonNode event : monitorFrame.path("events")) {
            if (event.path("kind").asText().equals("operator_action") && event.path("by").asText().equals("(embedded)")
                    && event.path("action").asText().equals("record")
                    && event.path("args").path("action").asText().equals(action)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theEmbeddingProcessRecordsAUsersMessageMaskedAndIsAuditedAsAnOperatorAction() throws Exception {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient viewer = Monitors.open(router, "viewer-vi", Role.VIEWER);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<String> frames = new CopyOnWriteArrayList<>();
            EmbeddedRecording recording = router.record(false, Duration.ofMinutes(1), frames::add);

            alice.send(Map.of("type", "user_message", "message_id", "a-1", "thread_id", "t-9",
                    "payload", Map.of("content", "my cat is called Whiskers")));
            alice.awaitReply("a-1");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> entries(frames).stream()
                    .anyMatch(entry -> entry.path("kind").asText().equals("message")
                            && entry.path("user_id").asText().equals("alice")));
            JsonNode message = entries(frames).stream().filter(entry -> entry.path("kind").asText().equals("message"))
                    .findFirst().orElseThrow().path("message");
            assertThat(message.path("type").asText()).isEqualTo("user_message");
            assertThat(message.path("message_id").asText()).isEqualTo("a-1");
            assertThat(message.path("payload").path("content").asText()).hasSameSizeAs("my cat is called Whiskers")
                    .doesNotContain("cat");
            assertThat(frames).noneMatch(frame -> frame.contains("Whiskers"));

            assertThat(recording.stop()).isTrue();
            assertThat(recording.ended().get(10, TimeUnit.SECONDS)).isEqualTo("stopped");
            assertThat(read(frames.get(frames.size() - 1)).path("type").asText()).isEqualTo("recording_ended");
            assertThat(recording.stop()).as("stopped once").isFalse();

            // every monitor hears who recorded, as it hears an operator's record command
            viewer.await(frame -> recordedBy(frame, "start"));
            viewer.await(frame -> recordedBy(frame, "stop"));
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"done\"} 2.0");
        }
    }

    @Test
    void aConsumerThatFallsBehindLosesEntriesCountedAsDroppedWhileAnotherRecordingGoesOn() throws Exception {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient operator = Monitors.open(router, "oncall-ann", Role.OPERATOR);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            CountDownLatch stuck = new CountDownLatch(1);
            List<String> frames = new CopyOnWriteArrayList<>();
            EmbeddedRecording recording = router.record(false, Duration.ofMinutes(1), frame -> {
                frames.add(frame);
                try {
                    stuck.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            JsonNode started = Monitors.command(operator, "record", command -> command.put("action", "start"));
            assertThat(started.path("type").asText()).isEqualTo("command_result");

            // while the embedder's consumer is stuck on its first frame, the monitor's recording keeps coming
            AtomicInteger pings = new AtomicInteger();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                String id = "p-" + pings.incrementAndGet();
                alice.send(Map.of("type", "ping", "message_id", id));
                alice.awaitReply(id);
                return operator.seen().stream().filter(frame -> frame.path("type").asText().equals("recording"))
                        .count() > EmbeddedRecording.MAX_WAITING + 8;
            });
            assertThat(frames).hasSize(1);
            stuck.countDown();

            assertThat(recording.stop()).isTrue();
            assertThat(recording.ended().get(10, TimeUnit.SECONDS)).isEqualTo("stopped");
            Monitors.command(operator, "record", command -> command.put("action", "stop"));
            operator.awaitType("recording_ended");
            List<String> monitorFrames = operator.seenText().stream()
                    .filter(frame -> frame.startsWith("{\"type\":\"recording")).toList();
            assertThat(dropped(monitorFrames)).as("the monitor's recording lost nothing").isZero();
            assertThat(dropped(frames)).as("entries lost while the consumer was stuck").isPositive();
            // the same traffic in both: what the stuck consumer lost is counted, not silently gone
            assertThat(entries(frames).size() + dropped(frames)).isEqualTo(entries(monitorFrames).size());
            assertThat(entries(monitorFrames).stream().filter(entry -> entry.path("kind").asText().equals("message")))
                    .hasSize(pings.get());
        }
    }

    @Test
    void aRecordingEndsWithItsRouterAndLeavesNoThreadBehind() throws Exception {
        Router router = TestRouters.start();
        EmbeddedRecording recording;
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            recording = router.record(true, Duration.ofMinutes(1), frame -> { });
        } finally {
            router.stop();
        }
        assertThat(recording.ended().get(10, TimeUnit.SECONDS)).isEqualTo(EmbeddedRecording.CLOSED);
        assertThat(recording.stop()).isFalse();
    }

    @Test
    void aDurationOutOfRangeAndAFifthRecordingAreRefusedAndCounted() {
        try (Router router = TestRouters.start()) {
            assertThatThrownBy(() -> router.record(false, Duration.ofMillis(10), frame -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("for_ms must be an integer from 1000 to 3600000");
            List<EmbeddedRecording> four = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                four.add(router.record(false, Duration.ofSeconds(30), frame -> { }));
            }
            assertThatThrownBy(() -> router.record(false, Duration.ofSeconds(30), frame -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runs 4 recordings already");
            four.forEach(EmbeddedRecording::close);
            // a closed recording gives its place back at once
            router.record(false, Duration.ofSeconds(30), frame -> { }).close();
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"done\"} 5.0")
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"refused\"} 2.0");
        }
        try (Router notStarted = Router.builder().config(TestRouters.config().build()).build()) {
            assertThatThrownBy(() -> notStarted.record(false, Duration.ofSeconds(5), frame -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessage("router not started");
        }
    }
}
