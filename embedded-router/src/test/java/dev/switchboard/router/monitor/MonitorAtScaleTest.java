package dev.switchboard.router.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What keeps watching cheap on a busy router, seen from a real {@code /monitor} client: traffic
 * over the per-update limit arrives counted, not listed (and nothing is lost from the count); a
 * snapshot lists only the most active connections past its limit and says how many there are; the
 * {@code connections} command pages through all of them.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorAtScaleTest {
    private static final String SECRET = "monitor-scale-test-secret-of-32-bytes!!";
    private static final int TRAFFIC_PER_UPDATE = 5;
    private static final int SNAPSHOT_CONNECTIONS = 3;
    private static final int RUNS_PER_UPDATE = 1;
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    private final List<WsClient> clients = new ArrayList<>();
    private Router router;

    @BeforeEach
    void start() {
        RateLimit plenty = new RateLimit(1_000_000, 100_000);
        router = TestRouters.start(config -> config.jwtSecret(SECRET)
                .rateLimits(new RateLimitPolicy(plenty, plenty, plenty, Map.of()))
                .monitorLimits(new MonitorLimits(10, 20, 16L << 20, 4, TRAFFIC_PER_UPDATE, RUNS_PER_UPDATE,
                        SNAPSHOT_CONNECTIONS)));
    }

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        router.stop();
    }

    private WsClient monitor(Role role) {
        WsClient monitor = WsClient.open(URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token="
                + tokens.mint("oncall", role, Duration.ofMinutes(5))), Map.of(), true);
        clients.add(monitor);
        return monitor;
    }

    private WsClient user(String name) {
        WsClient client = WsClient.connect(router.clientUri(), name);
        clients.add(client);
        return client;
    }

    private void awaitConnections(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> router.connections().size() == count);
    }

    private static List<JsonNode> updates(WsClient monitor) {
        return monitor.seen().stream().filter(frame -> frame.path("type").asText().equals("monitor_update")).toList();
    }

    /** Events of {@code kind} the monitor got listed, plus those coalesced events counted as {@code countedAs}. */
    private static long listedOrCounted(WsClient monitor, String kind, String countedAs) {
        long seen = 0;
        for (JsonNode update : updates(monitor)) {
            for (JsonNode event : update.path("events")) {
                seen += event.path("kind").asText().equals(kind) ? 1 : event.path("by_type").path(countedAs).asLong();
            }
        }
        return seen;
    }

    /** Pings seen by the monitor: listed one by one, and counted in coalesced events. */
    private static long[] pingsSeen(WsClient monitor) {
        long listed = 0;
        long counted = 0;
        for (JsonNode update : updates(monitor)) {
            for (JsonNode event : update.path("events")) {
                if (event.path("kind").asText().equals("message") && event.path("type").asText().equals("ping")) {
                    listed++;
                } else if (event.path("kind").asText().equals("coalesced")) {
                    counted += event.path("by_type").path("ping").asLong();
                }
            }
        }
        return new long[] {listed, counted};
    }

    @Test
    void trafficOverTheLimitArrivesCountedByTypeAndAddsUpToEveryMessage() {
        WsClient monitor = monitor(Role.VIEWER);
        monitor.awaitType("monitor_snapshot");
        WsClient alice = user("alice");
        int pings = 300;
        for (int i = 0; i < pings; i++) {
            alice.send(Map.of("type", "ping", "message_id", "p-" + i));
        }
        // answers may come in another order than the pings went (handlers run in parallel)
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> alice.seen().stream()
                .filter(frame -> frame.path("reply_to").asText().startsWith("p-")).count() == pings);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            long[] seen = pingsSeen(monitor);
            return seen[0] + seen[1] == pings;
        });
        long[] seen = pingsSeen(monitor);
        assertThat(seen[1]).as("pings counted in coalesced events").isPositive();
        for (JsonNode update : updates(monitor)) {
            long traffic = 0;
            JsonNode last = null;
            for (JsonNode event : update.path("events")) {
                String kind = event.path("kind").asText();
                if (kind.equals("message") || kind.equals("run_event") || kind.equals("event")) {
                    traffic++;
                }
                last = event;
            }
            assertThat(traffic).as("traffic listed in one update").isLessThanOrEqualTo(TRAFFIC_PER_UPDATE);
            if (update.toString().contains("\"coalesced\"")) {
                assertThat(last.path("kind").asText()).as("the coalesced event comes last").isEqualTo("coalesced");
                long byType = 0;
                for (JsonNode count : last.path("by_type")) {
                    byType += count.asLong();
                }
                assertThat(last.path("events").asLong()).isEqualTo(byType);
            }
        }
    }

    @Test
    void aRunIsListedWholeOrOnlyCountedNeverWithHoles() {
        WsClient monitor = monitor(Role.VIEWER);
        monitor.awaitType("monitor_snapshot");
        WsClient alice = user("alice");
        int runs = 12;
        for (int i = 0; i < runs; i++) {
            alice.send(Map.of("type", "user_message", "message_id", "m-" + i, "payload", Map.of("content", "hi " + i)));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> alice.seen().stream()
                .filter(frame -> frame.path("type").asText().equals("agent_completed")).count() == runs);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> listedOrCounted(monitor, "run_ended", "run_ended") == runs);
        Map<String, List<String>> listed = new java.util.LinkedHashMap<>();
        long startsCounted = 0;
        long eventsCounted = 0;
        for (JsonNode update : updates(monitor)) {
            for (JsonNode event : update.path("events")) {
                String kind = event.path("kind").asText();
                if (kind.equals("run_started") || kind.equals("run_ended")) {
                    listed.computeIfAbsent(event.path("run").path("run_id").asText(), id -> new ArrayList<>())
                            .add(kind);
                } else if (kind.equals("run_event")) {
                    listed.computeIfAbsent(event.path("run_id").asText(), id -> new ArrayList<>())
                            .add(event.path("type").asText());
                } else if (kind.equals("coalesced")) {
                    startsCounted += event.path("by_type").path("run_started").asLong();
                    eventsCounted += event.path("by_type").path("agent_started").asLong()
                            + event.path("by_type").path("agent_completed").asLong();
                }
            }
        }
        assertThat(listed).isNotEmpty();
        assertThat(listed.size() + startsCounted).isEqualTo(runs);
        assertThat(eventsCounted).isEqualTo(2L * (runs - listed.size()));
        listed.forEach((runId, seen) -> assertThat(seen).as(runId)
                .containsOnlyOnce("run_started", "agent_started", "tool_executing", "tool_completed", "agent_completed",
                        "run_ended")
                .contains("agent_thinking"));
    }

    @Test
    void aFloodOfBadFramesReachesTheMonitorCountedNotListed() {
        WsClient monitor = monitor(Role.VIEWER);
        monitor.awaitType("monitor_snapshot");
        WsClient mallory = user("mallory");
        int bad = 200;
        for (int i = 0; i < bad; i++) {
            mallory.send(Map.of("type", "no_such_type", "message_id", "x-" + i));
        }
        mallory.awaitReply("x-" + (bad - 1));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> listedOrCounted(monitor, "error", "error:unknown_type") == bad);
        for (JsonNode update : updates(monitor)) {
            long errors = 0;
            for (JsonNode event : update.path("events")) {
                errors += event.path("kind").asText().equals("error") ? 1 : 0;
            }
            assertThat(errors).isLessThanOrEqualTo(TRAFFIC_PER_UPDATE);
        }
    }

    @Test
    void protectionComesOnceASecondNotInEveryUpdate() {
        WsClient monitor = monitor(Role.VIEWER);
        monitor.awaitType("monitor_snapshot");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> updates(monitor).size() >= 25);
        List<JsonNode> updates = updates(monitor).subList(0, 25);
        assertThat(updates.get(0).path("protection").isObject()).as("the first update carries it").isTrue();
        long with = updates.stream().filter(update -> update.path("protection").isObject()).count();
        assertThat(with).isBetween(2L, 5L);
    }

    @Test
    void stateChangesAreNeverCoalesced() {
        WsClient monitor = monitor(Role.VIEWER);
        monitor.awaitType("monitor_snapshot");
        WsClient alice = user("alice");
        for (int i = 0; i < 100; i++) {
            alice.send(Map.of("type", "ping", "message_id", "p-" + i));
        }
        List<WsClient> crowd = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            crowd.add(user("crowd-" + i));
        }
        crowd.forEach(WsClient::close);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> updates(monitor).stream()
                .flatMap(update -> java.util.stream.StreamSupport.stream(update.path("events").spliterator(), false))
                .filter(event -> event.path("kind").asText().equals("connection_closed"))
                .count() == 8);
        long opened = updates(monitor).stream()
                .flatMap(update -> java.util.stream.StreamSupport.stream(update.path("events").spliterator(), false))
                .filter(event -> event.path("kind").asText().equals("connection_opened")
                        && event.path("connection").path("user_id").asText().startsWith("crowd-"))
                .count();
        assertThat(opened).isEqualTo(8);
    }

    @Test
    void aSnapshotPastItsLimitListsTheMostActiveConnectionsAndCountsThemAll() {
        WsClient busy = user("zed");
        for (String name : List.of("amy", "bob", "cat", "dan")) {
            user(name);
        }
        for (int i = 0; i < 20; i++) {
            busy.send(Map.of("type", "ping", "message_id", "p-" + i));
        }
        busy.awaitReply("p-19");
        awaitConnections(5);
        WsClient monitor = monitor(Role.VIEWER);
        JsonNode snapshot = monitor.awaitType("monitor_snapshot");
        assertThat(snapshot.path("connections_total").asInt()).isEqualTo(5);
        assertThat(snapshot.path("connections")).hasSize(SNAPSHOT_CONNECTIONS);
        assertThat(snapshot.path("connections").get(0).path("user_id").asText()).as("most active first")
                .isEqualTo("zed");
    }

    @Test
    void theConnectionsCommandPagesThroughEveryConnectionInUserOrder() {
        for (String name : List.of("dan", "amy", "bob", "ann", "cat")) {
            user(name);
        }
        awaitConnections(5);
        WsClient viewer = monitor(Role.VIEWER);
        viewer.awaitType("monitor_snapshot"); // until it is sent, a page is refused as rate_limited
        viewer.send(Map.of("type", "connections", "message_id", "page-1", "offset", 1, "limit", 2));
        JsonNode page = viewer.awaitReply("page-1").path("result");
        assertThat(page.path("total").asInt()).isEqualTo(5);
        assertThat(page.path("matched").asInt()).isEqualTo(5);
        assertThat(page.path("offset").asInt()).isEqualTo(1);
        assertThat(page.path("connections")).extracting(c -> c.path("user_id").asText()).containsExactly("ann", "bob");

        viewer.send(Map.of("type", "connections", "message_id", "page-2", "filter", "a"));
        JsonNode filtered = viewer.awaitReply("page-2").path("result");
        assertThat(filtered.path("matched").asInt()).isEqualTo(4);
        assertThat(filtered.path("connections")).extracting(c -> c.path("user_id").asText())
                .containsExactly("amy", "ann", "cat", "dan");
    }

    @Test
    void theConnectionsCommandRefusesArgumentsOutOfRange() {
        WsClient viewer = monitor(Role.VIEWER);
        // no wait for the first snapshot: wrong arguments are refused at once, even while it is built
        List<Map<String, Object>> bad = List.of(
                Map.of("limit", 0), Map.of("limit", 1001), Map.of("limit", "10"), Map.of("offset", -1),
                Map.of("filter", "a b"), Map.of("filter", 7));
        int n = 0;
        for (Map<String, Object> arguments : bad) {
            Map<String, Object> command = new java.util.HashMap<>(arguments);
            command.put("type", "connections");
            command.put("message_id", "bad-" + n);
            viewer.send(command);
            JsonNode reply = viewer.awaitReply("bad-" + n++);
            assertThat(reply.path("type").asText()).as(arguments.toString()).isEqualTo("error");
            assertThat(reply.path("code").asText()).isEqualTo("invalid_message");
            assertThat(reply.path("message").asText()).matches("(limit|offset|filter) must .*");
        }
    }
}
