package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The monitor feed, embedded and over {@code /monitor}, with roles enforced on the server. */
@ExtendWith(NoLeakedThreads.class)
class MonitorTest {
    private static final String SECRET = "monitor-test-secret-of-32-bytes-or-more";
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    private Router router;

    @BeforeEach
    void start() {
        router = TestRouters.start(config -> config.jwtSecret(SECRET));
    }

    @AfterEach
    void stop() {
        router.stop();
    }

    private URI monitorUri(Role role) {
        return URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token=" + tokens.mint("oncall", role,
                Duration.ofMinutes(5)));
    }

    /** Waits for an event matching {@code filter} in any update the monitor has received. */
    private static JsonNode awaitEvent(WsClient monitor, Predicate<JsonNode> filter) {
        List<JsonNode> found = new ArrayList<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode frame : monitor.seen()) {
                for (JsonNode event : frame.path("events")) {
                    if (filter.test(event)) {
                        found.add(event);
                        return true;
                    }
                }
            }
            return false;
        });
        return found.get(0);
    }

    @Test
    void aViewerGetsASnapshotThenEveryMessageAndRunEventOfEveryUser() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient monitor = WsClient.open(monitorUri(Role.VIEWER), Map.of(), true)) {
            JsonNode snapshot = monitor.awaitType("monitor_snapshot");
            assertThat(snapshot.path("role").asText()).isEqualTo("viewer");
            assertThat(snapshot.path("connections")).extracting(c -> c.path("user_id").asText()).contains("alice");
            assertThat(snapshot.path("handlers").toString()).contains("user_message", "batch");
            assertThat(snapshot.path("protection").path("rollout").path("mode").asText()).isEqualTo("off");

            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            String runId = alice.awaitReply("m").path("run_id").asText();
            JsonNode message = awaitEvent(monitor, e -> e.path("kind").asText().equals("message"));
            assertThat(message.path("user_id").asText()).isEqualTo("alice");
            assertThat(message.path("type").asText()).isEqualTo("user_message");
            assertThat(message.path("priority").asText()).isEqualTo("normal");
            assertThat(message.path("label").asText()).isEqualTo("tactical");
            JsonNode completed = awaitEvent(monitor, e -> e.path("kind").asText().equals("run_event")
                    && e.path("type").asText().equals("agent_completed"));
            assertThat(completed.path("run_id").asText()).isEqualTo(runId);
            assertThat(completed.path("user_id").asText()).isEqualTo("alice");
            JsonNode ended = awaitEvent(monitor, e -> e.path("kind").asText().equals("run_ended"));
            assertThat(ended.path("run").path("status").asText()).isEqualTo("completed");
            assertThat(ended.path("run").path("backend").asText()).isEqualTo("simulated");
        }
    }

    @Test
    void updatesComeAtMostTenTimesASecondWithAggregates() {
        try (WsClient monitor = WsClient.open(monitorUri(Role.VIEWER), Map.of(), true)) {
            List<Instant> times = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                JsonNode update = monitor.awaitType("monitor_update");
                assertThat(update.path("stats").has("messages_per_second")).isTrue();
                assertThat(update.path("stats").path("queue_depth").has("critical")).isTrue();
                times.add(Instant.parse(update.path("server_time").asText()));
            }
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(90));
            }
        }
    }

    @Test
    void aViewerIsRefusedOperatorCommandsOnTheServer() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient monitor = WsClient.open(monitorUri(Role.VIEWER), Map.of(), true)) {
            monitor.awaitType("monitor_snapshot");
            // every operator command, with arguments an operator's would be carried out with
            List<Map<String, Object>> commands = List.of(
                    Map.of("type", "disconnect_user", "user_id", "alice"),
                    Map.of("type", "disconnect", "connection_id", "c-0"),
                    Map.of("type", "set_rollout", "mode", "off"),
                    Map.of("type", "set_rate_limit", "user_id", "alice", "per_minute", 1),
                    Map.of("type", "issue_token", "user_id", "alice"),
                    Map.of("type", "breaker", "name", "backend:simulated", "action", "force_open"),
                    Map.of("type", "backend_fault", "name", "simulated", "action", "inject", "paused", true),
                    Map.of("type", "bucket", "user_id", "alice", "action", "drain"),
                    Map.of("type", "squeeze", "user_id", "alice", "action", "set", "outbox_frames", 1),
                    Map.of("type", "trace_user", "user_id", "alice"),
                    Map.of("type", "record", "action", "start"));
            // a command added later without a line here fails this test
            assertThat(commands.stream().map(command -> command.get("type"))).containsExactlyInAnyOrderElementsOf(
                    dev.switchboard.router.monitor.MonitorEndpoint.operatorCommands());
            for (int i = 0; i < commands.size(); i++) {
                Map<String, Object> command = new java.util.HashMap<>(commands.get(i));
                command.put("message_id", "c-" + i);
                monitor.send(command);
                JsonNode refused = monitor.awaitReply("c-" + i);
                assertThat(refused.path("type").asText()).as(command.toString()).isEqualTo("error");
                assertThat(refused.path("code").asText()).as(command.toString()).isEqualTo("forbidden");
                assertThat(refused.has("result")).isFalse();
            }
            alice.assertUsable();
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
            List<JsonNode> run = alice.awaitRun(alice.awaitReply("m-1").path("run_id").asText());
            assertThat(run.get(run.size() - 1).path("data").path("status").asText()).isEqualTo("completed");
            assertThat(router.meterRegistry().scrape()).containsPattern("outcome=\"refused\"} 1.0")
                    .doesNotContainPattern("outcome=\"done\"} [1-9]");
        }
    }

    @Test
    void anOperatorCanDisconnectAUserAndChangeTheRollout() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient monitor = WsClient.open(monitorUri(Role.OPERATOR), Map.of(), true)) {
            monitor.awaitType("monitor_snapshot");
            monitor.send(Map.of("type", "disconnect_user", "message_id", "c-1", "user_id", "alice"));
            assertThat(monitor.awaitReply("c-1").path("result").path("disconnected").asInt()).isEqualTo(1);
            assertThat(alice.awaitClose()).isEqualTo(1000);
            JsonNode closed = awaitEvent(monitor, e -> e.path("kind").asText().equals("connection_closed"));
            assertThat(closed.path("connection").path("user_id").asText()).isEqualTo("alice");

            monitor.send(Map.of("type", "set_rollout", "message_id", "c-2", "mode", "partial",
                    "candidate", "nope", "percent", 10));
            assertThat(monitor.awaitReply("c-2").path("code").asText()).isEqualTo("invalid_message");
        }
    }

    @Test
    void theMonitorSeesEveryReplyAndHowEachConnectionClosed() {
        try (WsClient monitor = WsClient.open(monitorUri(Role.OPERATOR), Map.of(), true)) {
            monitor.awaitType("monitor_snapshot");
            WsClient alice = WsClient.connect(router.clientUri(), "alice");
            alice.send(Map.of("type", "ping", "message_id", "p-1"));
            alice.awaitReply("p-1");
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
            String runId = alice.awaitReply("m-1").path("run_id").asText();
            alice.awaitRun(runId);
            alice.send(Map.of("type", "no_such_type", "message_id", "u-1"));
            alice.awaitReply("u-1");
            alice.send("{not json");
            alice.await(frame -> frame.path("code").asText().equals("invalid_json"));
            monitor.send(Map.of("type", "snapshot", "message_id", "s-1"));
            JsonNode byType = monitor.awaitReply("s-1").path("result").path("stats").path("errors_sent_by_type");
            assertThat(byType.path("(unknown type)").asLong()).isEqualTo(1);
            assertThat(byType.path("(refused frame)").asLong()).isEqualTo(1);
            assertThat(byType.has("no_such_type")).isFalse();
            alice.closeWith(4001, "done here");

            JsonNode greeting = awaitEvent(monitor, e -> e.path("kind").asText().equals("reply")
                    && e.path("type").asText().equals("connection_established"));
            assertThat(greeting.path("user_id").asText()).isEqualTo("alice");
            assertThat(greeting.path("direction").asText()).isEqualTo("out");
            JsonNode pong = awaitEvent(monitor, e -> e.path("kind").asText().equals("reply")
                    && e.path("reply_to").asText().equals("p-1"));
            assertThat(pong.path("type").asText()).isEqualTo("pong");
            assertThat(pong.path("connection_id").asText()).isEqualTo(greeting.path("connection_id").asText());
            JsonNode ack = awaitEvent(monitor, e -> e.path("kind").asText().equals("reply")
                    && e.path("reply_to").asText().equals("m-1"));
            assertThat(ack.path("type").asText()).isEqualTo("message_ack");
            JsonNode started = awaitEvent(monitor, e -> e.path("kind").asText().equals("run_started"));
            assertThat(started.path("run").path("queued_ms").isNumber()).isTrue();
            assertThat(started.path("run").path("queued_ms").asDouble()).isBetween(0.0, 10_000.0);
            JsonNode byClient = awaitEvent(monitor, e -> e.path("kind").asText().equals("connection_closed"));
            assertThat(byClient.path("close_code").asInt()).isEqualTo(4001);
            assertThat(byClient.path("close_reason").asText()).isEqualTo("done here");
            assertThat(byClient.path("closed_by").asText()).isEqualTo("client");

            WsClient bob = WsClient.connect(router.clientUri(), "bob");
            monitor.send(Map.of("type", "disconnect_user", "message_id", "c-1", "user_id", "bob"));
            assertThat(bob.awaitClose()).isEqualTo(1000);
            JsonNode byRouter = awaitEvent(monitor, e -> e.path("kind").asText().equals("connection_closed")
                    && e.path("connection").path("user_id").asText().equals("bob"));
            assertThat(byRouter.path("close_code").asInt()).isEqualTo(1000);
            assertThat(byRouter.path("closed_by").asText()).isEqualTo("router");

            WsClient carol = WsClient.connect(router.clientUri(), "carol");
            carol.abort();
            JsonNode broken = awaitEvent(monitor, e -> e.path("kind").asText().equals("connection_closed")
                    && e.path("connection").path("user_id").asText().equals("carol"));
            assertThat(broken.path("close_code").asInt()).isEqualTo(1006);
            assertThat(broken.path("closed_by").asText()).isEqualTo("network");
        }
    }

    @Test
    void aTokenWithoutAMonitorRoleIsRefusedWith403() {
        URI userToken = URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token="
                + tokens.mint("alice", Role.USER, Duration.ofMinutes(5)));
        try {
            WsClient.openAsync(userToken, Map.of(), true).join().close();
            throw new AssertionError("accepted");
        } catch (CompletionException e) {
            assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(403);
        }
    }

    @Test
    void theEmbeddedFeedDeliversTheSameRecordsAndRecentErrors() {
        List<MonitorUpdate> updates = new CopyOnWriteArrayList<>();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             RouterFeed.Subscription subscription = router.monitor().subscribe(updates::add)) {
            alice.send(Map.of("type", "no_such_type", "message_id", "x"));
            alice.awaitReply("x");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> updates.stream()
                    .flatMap(u -> u.events().stream())
                    .anyMatch(e -> e instanceof MonitorEvent.ErrorSent error && error.code().equals("unknown_type")));
            MonitorSnapshot snapshot = router.monitor().snapshot();
            assertThat(snapshot.recentErrors().get(0).code()).isEqualTo("unknown_type");
            assertThat(snapshot.recentErrors().get(0).type()).isEqualTo("no_such_type");
            assertThat(snapshot.stats().errorsSent().get("unknown_type")).isEqualTo(1L);
        }
    }
}
