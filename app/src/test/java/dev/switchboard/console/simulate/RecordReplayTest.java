package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.TestRouters;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record and replay end to end: real traffic recorded from one router's monitor into a scenario
 * file, replayed against a second router, and compared per type with what the first router did.
 */
class RecordReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String operatorToken() {
        return new TokenService(Monitors.SECRET, Clock.systemUTC()).mint("oncall-ann", Role.OPERATOR,
                Duration.ofMinutes(5));
    }

    private static URI monitorUri(Router router) {
        return URI.create("ws://127.0.0.1:" + router.port() + "/monitor");
    }

    private static SimReport run(Router router, Scenario scenario) throws Exception {
        try (Simulation simulation = new Simulation(List.of(router.clientUri()), scenario, null)) {
            return simulation.start().report().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void trafficRecordedFromOneRouterReplaysAgainstAnotherWithTheSameCounts() throws Exception {
        Router recorded = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET).httpPort(-1));
        Router second = TestRouters.start(config -> config.httpPort(-1));
        try {
            Scenario chat = Scenario.parse(JSON.readTree("""
                    {"name":"chat","users":4,"user_prefix":"alice","messages_per_user":12,"drain_ms":5000,
                     "think_time":{"distribution":"fixed","mean_ms":30},
                     "mix":{"user_message":3,"start_agent":1,"ping":2,"validate_content":1,"typing":1}}"""), "test");
            Recording recording;
            try (Recorder recorder = new Recorder(new Recorder.Options(List.of(monitorUri(recorded)), operatorToken(),
                    Duration.ofMinutes(1), false, false, true))) {
                recorder.start().get(10, TimeUnit.SECONDS);
                assertThat(run(recorded, chat).passed()).isTrue();
                recording = recorder.stop(Duration.ofSeconds(10));
            }
            assertThat(recording.users()).extracting(Recording.User::userId)
                    .containsExactlyInAnyOrder("rec-1", "rec-2", "rec-3", "rec-4");
            assertThat(recording.messages()).isEqualTo(48);
            assertThat(recording.dropped()).isZero();
            Path file = dir.resolve("chat.rec.json");
            recording.write(file, "chat");
            String written = Files.readString(file);
            assertThat(written).doesNotContain("alice").doesNotContain("Question"); // ids mapped, content masked

            Scenario replay = Scenario.read(file);
            SimReport report = run(second, replay);
            assertThat(report.passed()).as(report.table()).isTrue();
            assertThat(report.replay().matches()).as(report.table()).isTrue();
            assertThat(report.sent()).isEqualTo(48);
            assertThat(report.replay().runs().get(0).replay()).isEqualTo(recording.original().runs().get("started"))
                    .isPositive();

            SimReport twice = run(second, replay.replayed(4, 2));
            assertThat(twice.users()).isEqualTo(8);
            assertThat(twice.sent()).isEqualTo(96);
            assertThat(twice.replay().matches()).as(twice.table()).isTrue();
            assertThat(twice.userRows()).extracting(VirtualUser.UserRow::user).contains("rec-1.1", "rec-1.2");
        } finally {
            recorded.stop();
            second.stop();
        }
    }

    @Test
    void aReplayStopsItsOwnRunsAndMeetsTheRecordedErrors() throws Exception {
        Router router = TestRouters.start(config -> config.httpPort(-1)
                .agent(SimulatedAgent.Settings.defaults().withStepDelay(Duration.ofMillis(400))));
        try {
            // a user starts a run and stops it while it runs, sends a frame that is no JSON, JSON that
            // is no message, a type no handler serves, a batch and a JSON-RPC request that starts a run:
            // the recording says what the router did with each
            Map<String, Object> recording = Map.of("recorded_at", "2026-12-01T10:00:00Z", "duration_ms", 1500,
                    "sources", List.of("ws://127.0.0.1:1/monitor"), "user_ids", "mapped", "content", "masked",
                    "dropped", 0,
                    "users", List.of(Map.of("user_id", "rec-1", "connections", 1, "messages", List.of(
                            Map.of("at_ms", 0, "connection", 0, "message", Map.of("type", "start_agent",
                                    "message_id", "m-1", "payload", Map.of("content", "lorem ipsum"))),
                            Map.of("at_ms", 300, "connection", 0, "message", Map.of("type", "stop_agent",
                                    "message_id", "m-2", "payload", Map.of("run_id", "run-of-the-recording")), "run", 1),
                            Map.of("at_ms", 350, "connection", 0, "unparsed_chars", 5),
                            Map.of("at_ms", 360, "connection", 0, "unparsed_chars", 3, "value", List.of(1)),
                            Map.of("at_ms", 400, "connection", 0, "message", Map.of("type", "nope",
                                    "message_id", "m-3")),
                            Map.of("at_ms", 450, "connection", 0, "message", Map.of("type", "batch",
                                    "message_id", "m-4", "payload", Map.of("messages", List.of(
                                            Map.of("type", "ping", "message_id", "m-5"),
                                            Map.of("type", "user_message", "message_id", "m-6",
                                                    "payload", Map.of("content", "lorem")))))),
                            Map.of("at_ms", 500, "connection", 0, "message", Map.of("jsonrpc", "2.0", "id", 7,
                                    "method", "user_message", "params", Map.of("content", "ipsum")))))),
                    "original", Map.of("by_type", Map.of(
                            "start_agent", Map.of("sent", 1, "errors", Map.of()),
                            "stop_agent", Map.of("sent", 1, "errors", Map.of()),
                            "(unparsed)", Map.of("sent", 2, "errors", Map.of("invalid_json", 1, "invalid_message", 1)),
                            "nope", Map.of("sent", 1, "errors", Map.of("unknown_type", 1)),
                            "batch", Map.of("sent", 1, "errors", Map.of()),
                            "user_message", Map.of("sent", 1, "errors", Map.of())),
                            "runs", Map.of("started", 3, "cancelled", 1, "completed", 2),
                            "connections_closed_by_router", 0));
            JsonNode file = JSON.valueToTree(Map.of("name", "stop", "drain_ms", 5000, "recording", recording));
            Scenario scenario = Scenario.parse(file, "stop.rec.json");

            SimReport report = run(router, scenario);
            assertThat(report.replay().matches()).as(report.table()).isTrue();
            assertThat(report.runsByStatus()).containsEntry("cancelled", 1L).containsEntry("completed", 2L);
            assertThat(report.passed()).as(report.table()).isTrue();
            assertThat(report.isolationViolations()).isZero();
            assertThat(report.unanswered()).isZero();
        } finally {
            router.stop();
        }
    }

    @Test
    void aRecordingThatDoesNotHoldTogetherIsRefusedWithItsReason() throws Exception {
        JsonNode file = JSON.readTree("""
                {"name":"bad","recording":{"recorded_at":"2026-12-01T10:00:00Z","duration_ms":1000,"sources":[],
                 "user_ids":"mapped","content":"masked","dropped":0,
                 "users":[{"user_id":"rec-1","connections":1,"messages":[{"at_ms":5,"connection":3,
                   "message":{"type":"ping"}}]}],
                 "original":{"by_type":{},"runs":{},"connections_closed_by_router":0}}}""");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.parse(file, "bad.rec.json"))
                .hasMessage("recording.users[rec-1]: a message's at_ms must be from 0 to duration_ms and its"
                        + " connection below connections");
        JsonNode mixed = JSON.readTree(file.toString().replace("\"connection\":3", "\"connection\":0"));
        assertThat(Scenario.parse(mixed, "fine.rec.json").userIds()).containsExactly("rec-1");
        ((com.fasterxml.jackson.databind.node.ObjectNode) mixed).put("users", 5);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Scenario.parse(mixed, "bad.rec.json"))
                .hasMessageContaining("a recording replays its own users and timing");
    }
}
