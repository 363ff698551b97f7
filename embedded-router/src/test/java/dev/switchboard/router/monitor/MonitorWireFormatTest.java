package dev.switchboard.router.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's records on the wire: a real router's frames over a real {@code /monitor} socket
 * carry exactly the field names, in the order, that the map-built frames had, and read back into
 * records that write the same bytes again.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorWireFormatTest {
    private static final String SECRET = "monitor-wire-test-secret-of-32-bytes-or-more";
    private static final List<String> STATS = List.of("connections", "users", "messages_per_second", "received",
            "routed", "unhandled", "handler_errors", "quality_messages", "by_type", "errors_by_type", "errors_sent",
            "rate_limited", "routing_latency_ms", "queue_depth", "runs_in_flight", "runs_started", "runs_ended",
            "reply_latency_ms", "handshake_ms", "errors_sent_by_type");
    private static final List<String> CONNECTION = List.of("connection_id", "user_id", "remote_address", "thread_id",
            "connected_at", "last_activity", "messages_in", "messages_out");
    private static final List<String> RUN = List.of("run_id", "user_id", "connection_id", "thread_id", "agent",
            "backend", "status", "started_at", "duration_ms", "events", "error", "queued_ms");
    private static final List<String> ERROR = List.of("kind", "at", "user_id", "connection_id", "type", "code",
            "message", "message_id");
    private Router router;

    @BeforeEach
    void start() {
        router = TestRouters.start(config -> config.jwtSecret(SECRET));
    }

    @AfterEach
    void stop() {
        router.stop();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void snapshotsAndUpdatesKeepTheirFieldNamesAndReadBackIntoEqualRecords() throws Exception {
        URI monitorUri = URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token="
                + new TokenService(SECRET, Clock.systemUTC()).mint("oncall", Role.VIEWER, Duration.ofMinutes(5)));
        try (WsClient monitor = WsClient.open(monitorUri, Map.of(), true);
             WsClient alice = afterFirstSnapshot(monitor, router.clientUri(), "alice")) {
            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            alice.awaitRun(alice.awaitReply("m").path("run_id").asText());
            alice.send(Map.of("type", "no_such_type", "message_id", "x"));
            alice.awaitReply("x");
            WsClient.connect(router.clientUri(), "bob").closeWith(1000, "bye");
            monitor.send(Map.of("type", "snapshot", "message_id", "s"));
            JsonNode refreshed = monitor.awaitReply("s").path("result");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> kinds(monitor).containsAll(List.of(
                    "connection_opened", "message", "run_started", "run_event", "run_ended", "error", "reply",
                    "connection_closed")));

            JsonNode first = monitor.seen().get(0);
            assertThat(names(first)).containsExactly("type", "protocol", "server_time", "stats", "protection",
                    "handlers", "connections", "connections_total", "runs_in_flight", "recent_runs", "recent_errors", "role",
                    "user_id",
                    "node_id", "cluster_state", "members", "recent_actions");
            assertThat(names(refreshed)).containsExactly("type", "protocol", "server_time", "stats", "protection",
                    "handlers", "connections", "connections_total", "runs_in_flight", "recent_runs", "recent_errors", "node_id",
                    "cluster_state",
                    "members", "recent_actions");
            assertThat(names(refreshed.path("stats"))).containsExactlyElementsOf(STATS);
            assertThat(names(refreshed.path("connections").get(0))).containsExactlyElementsOf(CONNECTION);
            assertThat(refreshed.path("connections").get(0).get("thread_id").isNull()).isTrue();
            assertThat(names(refreshed.path("recent_runs").get(0))).containsExactlyElementsOf(RUN);
            assertThat(names(refreshed.path("recent_errors").get(0))).containsExactlyElementsOf(ERROR);
            assertThat(refreshed.path("recent_errors").get(0).path("message_id").asText()).isEqualTo("x");
            JsonNode protection = refreshed.path("protection");
            assertThat(names(protection)).containsExactly("breakers", "rate_limits", "queue", "strategy", "backends",
                    "rollout", "forced", "squeezed");
            assertThat(names(protection.path("rate_limits"))).containsExactly("user", "connection", "liveness",
                    "overrides");
            assertThat(names(protection.path("rate_limits").path("user"))).containsExactlyInAnyOrder("per_minute",
                    "burst");
            assertThat(names(protection.path("queue"))).containsExactlyInAnyOrder("capacity", "per_user", "ttl_ms");
            assertThat(names(protection.path("backends").get(0))).containsExactly("name", "healthy", "breaker",
                    "in_flight", "runs", "failures", "average_latency_ms", "kind", "url", "p50_latency_ms",
                    "p95_latency_ms", "last_failure", "fault");
            assertThat(names(protection.path("rollout"))).containsExactly("mode", "candidate", "percent",
                    "changed_at", "rollback_reason", "candidate_window", "stable_window");
            assertThat(protection.path("rollout").get("candidate").isNull()).isTrue();
            assertThat(names(protection.path("rollout").path("stable_window"))).containsExactlyInAnyOrder("samples",
                    "p95_ms", "success_rate");

            JsonNode update = monitor.seen().stream().filter(f -> f.path("type").asText().equals("monitor_update"))
                    .findFirst().orElseThrow();
            assertThat(names(update)).containsExactly("type", "seq", "server_time", "stats", "protection", "events",
                    "dropped");
            assertThat(names(event(monitor, "message"))).containsExactly("kind", "at", "direction", "user_id",
                    "connection_id", "type", "message_id", "thread_id", "priority", "label");
            JsonNode runEvent = event(monitor, "run_event");
            assertThat(names(runEvent)).containsExactly("kind", "at", "direction", "user_id", "type", "run_id",
                    "thread_id", "seq", "timestamp", "data");
            assertThat(names(runEvent.path("data"))).containsExactly("agent", "backend");
            assertThat(names(event(monitor, "error"))).containsExactlyElementsOf(ERROR);
            assertThat(names(event(monitor, "run_started"))).containsExactly("kind", "at", "run");
            assertThat(names(event(monitor, "run_ended").path("run"))).containsExactlyElementsOf(RUN);
            assertThat(names(event(monitor, "connection_opened"))).containsExactly("kind", "at", "connection");
            assertThat(names(event(monitor, "connection_closed"))).containsExactly("kind", "at", "connection",
                    "close_code", "close_reason", "closed_by");
            assertThat(names(event(monitor, "reply"))).containsExactly("kind", "at", "direction", "user_id",
                    "connection_id", "type", "reply_to");
            assertThat(names(event(monitor, "connection_opened").path("connection")))
                    .containsExactlyElementsOf(CONNECTION);

            // every frame reads into records that write the very same bytes, and read back equal
            for (String text : monitor.seenText()) {
                JsonNode tree = Json.mapper().readTree(text);
                if (!tree.path("type").asText().startsWith("monitor_")) {
                    continue;
                }
                MonitorFrame frame = Json.mapper().readValue(text, MonitorFrame.class);
                assertThat(Json.write(frame)).isEqualTo(text);
                assertThat(Json.mapper().readValue(Json.write(frame), MonitorFrame.class)).isEqualTo(frame);
            }
            MonitorSnapshot snapshot = Json.mapper().treeToValue(refreshed, MonitorSnapshot.class);
            assertThat(Json.write(snapshot)).isEqualTo(refreshed.toString());
            assertThat(snapshot.recentErrors().get(0).code()).isEqualTo("unknown_type");
            assertThat(snapshot.recentRuns().get(0).backend()).isEqualTo("simulated");
        }
    }

    /** Connects {@code user} once the monitor has its first snapshot, so the connection is an event of its feed. */
    private static WsClient afterFirstSnapshot(WsClient monitor, URI clientUri, String user) {
        monitor.awaitType("monitor_snapshot");
        return WsClient.connect(clientUri, user);
    }

    private static List<String> kinds(WsClient monitor) {
        List<String> kinds = new ArrayList<>();
        monitor.seen().forEach(frame -> frame.path("events").forEach(event -> kinds.add(event.path("kind").asText())));
        return kinds;
    }

    private static JsonNode event(WsClient monitor, String kind) {
        for (JsonNode frame : monitor.seen()) {
            for (JsonNode event : frame.path("events")) {
                if (event.path("kind").asText().equals(kind)) {
                    return event;
                }
            }
        }
        throw new AssertionError("no " + kind + " event");
    }

    @Test
    void eventsNoRouterTestProvokesWriteAsTheirMapsDid() throws Exception {
        Instant at = Instant.parse("2026-11-30T12:00:00.123456789Z");
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("alert", Map.of("kind", "slow"));
        alert.put("timestamp", "2026-11-30T12:00:00Z");
        List<MonitorEvent> events = List.of(
                new MonitorEvent.UserEvent(at, "out", "alice", "quality_alert", alert),
                new MonitorEvent.BreakerTransition(at, "backend:simulated", "closed", "open"),
                new MonitorEvent.RolloutChange(at, "rollback", "partial", "off", null, 0, "p95 over the SLA"),
                new MonitorEvent.RunEvent(at, "out", "alice", "tool_executing", "run-1", "t-1", 3,
                        "2026-11-30T12:00:00Z", new MonitorEvent.RunEventData(null, null, null, "search",
                        NullNode.getInstance(), null, null, null, null, null, null, null)));
        String json = Json.write(new MonitorUpdate(7, at, null, null, events, 0));
        assertThat(json).isEqualTo("{\"type\":\"monitor_update\",\"seq\":7,\"server_time\":\"2026-11-30T12:00:00.123456789Z\","
                + "\"stats\":null,\"protection\":null,\"events\":["
                + "{\"kind\":\"event\",\"at\":\"2026-11-30T12:00:00.123456789Z\",\"direction\":\"out\",\"user_id\":\"alice\","
                + "\"type\":\"quality_alert\",\"alert\":{\"kind\":\"slow\"},\"timestamp\":\"2026-11-30T12:00:00Z\"},"
                + "{\"kind\":\"breaker\",\"at\":\"2026-11-30T12:00:00.123456789Z\",\"breaker\":\"backend:simulated\","
                + "\"from\":\"closed\",\"to\":\"open\"},"
                + "{\"kind\":\"rollout\",\"at\":\"2026-11-30T12:00:00.123456789Z\",\"change\":\"rollback\","
                + "\"from_mode\":\"partial\",\"to_mode\":\"off\",\"candidate\":null,\"percent\":0,\"reason\":\"p95 over the SLA\"},"
                + "{\"kind\":\"run_event\",\"at\":\"2026-11-30T12:00:00.123456789Z\",\"direction\":\"out\",\"user_id\":\"alice\","
                + "\"type\":\"tool_executing\",\"run_id\":\"run-1\",\"thread_id\":\"t-1\",\"seq\":3,"
                + "\"timestamp\":\"2026-11-30T12:00:00Z\",\"data\":{\"tool\":\"search\",\"input\":null}}],\"dropped\":0}");
        MonitorUpdate read = (MonitorUpdate) Json.mapper().readValue(json, MonitorFrame.class);
        assertThat(read.events()).hasSize(4);
        assertThat(Json.write(read)).isEqualTo(json);
        assertThat(read.events().get(1)).isEqualTo(events.get(1));
        assertThat(((MonitorEvent.UserEvent) read.events().get(0)).fields()).containsKeys("alert", "timestamp");
    }

    @Test
    void anEventOfAKindThisVersionDoesNotKnowIsReadAsUnknown() throws Exception {
        MonitorUpdate read = (MonitorUpdate) Json.mapper().readValue("{\"type\":\"monitor_update\",\"seq\":1,"
                + "\"events\":[{\"kind\":\"node_joined\",\"at\":\"2026-11-30T12:00:00Z\",\"node\":\"b\"}],\"extra\":1}",
                MonitorFrame.class);
        assertThat(read.events()).containsExactly(new MonitorEvent.Unknown(Instant.parse("2026-11-30T12:00:00Z")));
    }
}
