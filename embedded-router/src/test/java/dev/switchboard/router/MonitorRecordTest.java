package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's {@code record}, over real sockets: an operator records every frame clients send
 * (content masked unless asked), the errors sent and the runs, in order; a viewer may not; the
 * recording ends when stopped or when its time runs out.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorRecordTest {

    private static JsonNode record(WsClient monitor, Map<String, Object> fields) {
        return Monitors.command(monitor, "record", command -> {
            fields.forEach((key, value) -> command.set(key, new com.fasterxml.jackson.databind.ObjectMapper()
                    .valueToTree(value)));
            return command;
        });
    }

    /** Every entry of the recording's frames, once its {@code recording_ended} came; that frame last. */
    private static List<JsonNode> entriesUntilEnded(WsClient monitor, List<JsonNode> ended) {
        JsonNode end = monitor.awaitType("recording_ended");
        ended.add(end);
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode frame : monitor.seen()) {
            if (frame.path("type").asText().equals("recording")) {
                frame.path("entries").forEach(entries::add);
            }
        }
        return entries;
    }

    private static List<JsonNode> of(List<JsonNode> entries, String kind, String user) {
        return entries.stream().filter(entry -> entry.path("kind").asText().equals(kind)
                && entry.path("user_id").asText().equals(user)).toList();
    }

    @Test
    void anOperatorRecordsEveryFrameWithItsErrorsAndRunsAndNoContent() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient operator = Monitors.open(router, "oncall-ann", Role.OPERATOR);
             WsClient viewer = Monitors.open(router, "viewer-vi", Role.VIEWER);
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient bob = WsClient.connect(router.clientUri(), "bob")) {
            assertThat(record(viewer, Map.of("action", "start")).path("code").asText()).isEqualTo("forbidden");
            JsonNode started = record(operator, Map.of("action", "start"));
            assertThat(started.path("result").path("recording").asBoolean()).isTrue();
            assertThat(started.path("result").path("keep_content").asBoolean()).isFalse();
            assertThat(started.path("result").path("until").asText()).isNotEmpty();
            assertThat(record(operator, Map.of("action", "start")).path("code").asText()).isEqualTo("unavailable");

            alice.send(Map.of("type", "user_message", "message_id", "a-1", "thread_id", "t-9",
                    "payload", Map.of("content", "my cat is called Whiskers")));
            alice.awaitReply("a-1");
            String runId = alice.awaitType("agent_started").path("run_id").asText();
            alice.awaitType("agent_completed");
            alice.send("not json");
            alice.awaitType("error");
            bob.send(Map.of("type", "no_such_type", "message_id", "b-1"));
            assertThat(bob.awaitReply("b-1").path("code").asText()).isEqualTo("unknown_type");
            bob.send("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":7}");
            bob.awaitRpc(7);

            JsonNode stopped = record(operator, Map.of("action", "stop"));
            assertThat(stopped.path("result").path("stopped").asBoolean()).isTrue();
            List<JsonNode> ended = new ArrayList<>();
            List<JsonNode> entries = entriesUntilEnded(operator, ended);
            assertThat(ended.get(0).path("reason").asText()).isEqualTo("stopped");
            assertThat(ended.get(0).path("dropped").asLong()).isZero();

            JsonNode message = of(entries, "message", "alice").get(0);
            assertThat(message.path("connection_id").asText()).isNotEmpty();
            assertThat(message.path("message").path("type").asText()).isEqualTo("user_message");
            assertThat(message.path("message").path("message_id").asText()).isEqualTo("a-1");
            assertThat(message.path("message").path("thread_id").asText()).isEqualTo("t-9");
            String masked = message.path("message").path("payload").path("content").asText();
            assertThat(masked).hasSameSizeAs("my cat is called Whiskers").doesNotContain("cat").doesNotContain("Whiskers");
            assertThat(operator.seenText()).filteredOn(frame -> frame.startsWith("{\"type\":\"recording"))
                    .isNotEmpty().noneMatch(frame -> frame.contains("Whiskers"));

            assertThat(of(entries, "run_started", "alice")).singleElement()
                    .satisfies(run -> assertThat(run.path("run_id").asText()).isEqualTo(runId));
            assertThat(of(entries, "run_ended", "alice")).singleElement()
                    .satisfies(run -> assertThat(run.path("status").asText()).isEqualTo("completed"));
            assertThat(of(entries, "unparsed", "alice")).singleElement()
                    .satisfies(frame -> assertThat(frame.path("chars").asInt()).isEqualTo("not json".length()));
            assertThat(of(entries, "error", "alice")).singleElement()
                    .satisfies(error -> assertThat(error.path("code").asText()).isEqualTo("invalid_json"));
            assertThat(of(entries, "message", "bob")).hasSize(2).satisfies(frames -> {
                assertThat(frames.get(0).path("message").path("type").asText()).isEqualTo("no_such_type");
                assertThat(frames.get(1).path("message").path("method").asText()).isEqualTo("ping");
                assertThat(frames.get(1).path("message").path("id").asInt()).isEqualTo(7);
            });
            assertThat(of(entries, "error", "bob")).singleElement().satisfies(error -> {
                assertThat(error.path("code").asText()).isEqualTo("unknown_type");
                assertThat(error.path("type").asText()).isEqualTo("no_such_type");
            });
            // in the order seen: alice's message before its run, her run before her bad frame
            assertThat(entries.indexOf(message)).isLessThan(entries.indexOf(of(entries, "run_started", "alice").get(0)));
            assertThat(entries.indexOf(of(entries, "run_ended", "alice").get(0)))
                    .isLessThan(entries.indexOf(of(entries, "unparsed", "alice").get(0)));
            assertThat(viewer.seenText()).noneMatch(frame -> frame.contains("\"type\":\"recording"));

            // every monitor, the viewer included, sees who recorded, with what
            JsonNode audited = viewer.await(frame -> {
                for (JsonNode event : frame.path("events")) {
                    if (event.path("kind").asText().equals("operator_action") && event.path("by").asText()
                            .equals("oncall-ann") && event.path("args").path("action").asText().equals("start")) {
                        return true;
                    }
                }
                return false;
            });
            assertThat(audited.toString()).contains("\"keep_content\":false");
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"done\"} 2.0")
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"refused\"} 2.0");
        }
    }

    @Test
    void aRecordingKeepsContentOnlyWhenAskedAndEndsWhenItsTimeRunsOut() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET));
             WsClient operator = Monitors.open(router, "oncall-ann", Role.OPERATOR);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            assertThat(record(operator, Map.of("action", "start", "for_ms", 10)).path("message").asText())
                    .isEqualTo("for_ms must be an integer from 1000 to 3600000");
            assertThat(record(operator, Map.of("action", "start", "keep_content", "yes")).path("message").asText())
                    .isEqualTo("keep_content must be true or false");
            assertThat(record(operator, Map.of("action", "stop", "for_ms", 1000)).path("message").asText())
                    .isEqualTo("for_ms must be absent or null when action is stop");
            assertThat(record(operator, Map.of("action", "pause")).path("message").asText())
                    .isEqualTo("action must be one of start, stop");

            JsonNode started = record(operator, Map.of("action", "start", "keep_content", true, "for_ms", 1_000));
            assertThat(started.path("result").path("keep_content").asBoolean()).isTrue();
            alice.send(Map.of("type", "ping", "message_id", "p-1", "payload", Map.of("note", "kept as sent")));
            alice.awaitReply("p-1");

            List<JsonNode> ended = new ArrayList<>();
            List<JsonNode> entries = entriesUntilEnded(operator, ended);
            assertThat(ended.get(0).path("reason").asText()).isEqualTo("expired");
            assertThat(of(entries, "message", "alice")).singleElement().satisfies(frame ->
                    assertThat(frame.path("message").path("payload").path("note").asText()).isEqualTo("kept as sent"));
            assertThat(record(operator, Map.of("action", "stop")).path("result").path("stopped").asBoolean()).isFalse();
        }
    }

    @Test
    void aRouterRefusesRecordFromTheEmbeddingProcess() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET))) {
            JsonNode answer = router.monitorCommand(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                    .put("type", "record").put("action", "start"));
            assertThat(answer.path("code").asText()).isEqualTo("unavailable");
        }
    }
}
