package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.cli.ConsoleCli;
import dev.switchboard.console.feed.RecordingSource;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.feed.SessionRecorder;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.TestRouters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Recording from a saved console session: the console keeps the traffic of the router it watches in
 * its session, the session is saved, {@code simulate record --session} turns it into a scenario
 * file, and the scenario replays against a second router with the counts the first one saw.
 */
class SessionTrafficTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @TempDir
    Path dir;

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    private static SimReport run(Router router, Scenario scenario) throws Exception {
        try (Simulation simulation = new Simulation(List.of(router.clientUri()), scenario, null)) {
            return simulation.start().report().get(60, TimeUnit.SECONDS);
        }
    }

    /** Starts keeping and waits until the router records. */
    private static void startKeeping(TrafficKeeper keeper) {
        keeper.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> keeper.state().phase() == TrafficKeeper.Phase.KEEPING);
    }

    /** {@code router}'s monitor, with {@code token}. */
    private static RecordingSource monitors(Router router, String token) {
        return new RecordingSource.Monitors(List.of(URI.create("ws://127.0.0.1:" + router.port() + "/monitor")), token);
    }

    private int record(StringWriter out, StringWriter err, String... args) {
        return new CommandLine(new ConsoleCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void aSessionThatKeptTrafficBecomesARecordingThatReplaysWithTheSameCounts() throws Exception {
        Router watched = TestRouters.start(config -> config.httpPort(-1));
        Router second = TestRouters.start(config -> config.httpPort(-1));
        try {
            SessionRecorder session = new SessionRecorder(3_000, 50_000);
            TrafficKeeper keeper = new TrafficKeeper(() -> new RecordingSource.InProcess(watched), session, background,
                    Clock.systemUTC());
            startKeeping(keeper);
            Scenario chat = Scenario.parse(JSON.readTree("""
                    {"name":"chat","users":3,"user_prefix":"bob","messages_per_user":10,"drain_ms":5000,
                     "think_time":{"distribution":"fixed","mean_ms":20},
                     "mix":{"user_message":3,"start_agent":1,"ping":2,"typing":1}}"""), "test");
            assertThat(run(watched, chat).passed()).isTrue();
            // the runs' last events are on their way to the session while the report comes
            await().atMost(Duration.ofSeconds(10)).until(() -> Recording.of(session.trafficNow(), false).original()
                    .runs().getOrDefault("started", 0L).equals(Recording.of(session.trafficNow(), false).original()
                            .runs().getOrDefault("completed", -1L)));
            TrafficKeeper.State kept = keeper.state();
            assertThat(kept.text()).startsWith("keeping traffic: ").endsWith(", 0 dropped");
            keeper.stop();
            assertThat(keeper.state().phase()).isEqualTo(TrafficKeeper.Phase.OFF);
            Path saved = dir.resolve("incident.jsonl");
            session.save(saved);
            assertThat(Files.readAllLines(saved)).anyMatch(line -> line.startsWith("{\"type\":\"session_traffic\""));
            assertThat(new ReplayFeed(saved).traffic().entries()).hasSize(kept.entries());

            Path out = dir.resolve("incident.rec.json");
            StringWriter said = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(record(said, err, "simulate", "record", "--session", saved.toString(), "--out", out.toString()))
                    .as(err.toString()).isZero();
            assertThat(said.toString()).contains("wrote " + out + ": 30 messages from 3 users")
                    .contains("the session's traffic from");
            String written = Files.readString(out);
            assertThat(written).doesNotContain("bob"); // ids mapped
            Scenario replay = Scenario.read(out);
            assertThat(replay.replay().recording().users()).extracting(Recording.User::userId)
                    .containsExactlyInAnyOrder("rec-1", "rec-2", "rec-3");

            SimReport report = run(second, replay);
            assertThat(report.passed()).as(report.table()).isTrue();
            assertThat(report.sent()).isEqualTo(30);
            assertThat(report.replay().matches()).as(report.table()).isTrue();
            assertThat(report.replay().runs().get(0).replay()).isEqualTo(replay.replay().recording().original().runs()
                    .get("started")).isPositive();
        } finally {
            watched.stop();
            second.stop();
        }
    }

    @Test
    void aViewersConsoleKeepsNoTrafficAndSaysWhy() throws Exception {
        Router watched = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET).httpPort(-1));
        try {
            String viewer = new TokenService(Monitors.SECRET, Clock.systemUTC()).mint("viewer-vic", Role.VIEWER,
                    Duration.ofMinutes(5));
            SessionRecorder session = new SessionRecorder(3_000, 50_000);
            TrafficKeeper keeper = new TrafficKeeper(() -> monitors(watched, viewer), session, background,
                    Clock.systemUTC());
            keeper.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> keeper.state().phase() == TrafficKeeper.Phase.FAILED);
            assertThat(keeper.state().text()).isEqualTo("not keeping traffic: " + Recorder.FORBIDDEN);
            Path saved = dir.resolve("viewer.jsonl");
            session.save(saved);
            assertThat(new ReplayFeed(saved).traffic()).isNull();

            StringWriter said = new StringWriter();
            StringWriter err = new StringWriter();
            assertThat(record(said, err, "simulate", "record", "--session", saved.toString(), "--out",
                    dir.resolve("none.rec.json").toString())).isEqualTo(2);
            assertThat(err.toString()).contains("kept no traffic");
            assertThat(dir.resolve("none.rec.json")).doesNotExist();
        } finally {
            watched.stop();
        }
    }

    @Test
    void aMissingSessionFileIsRefused() {
        StringWriter said = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(record(said, err, "simulate", "record", "--session", dir.resolve("missing.jsonl").toString(),
                "--out", dir.resolve("x.rec.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no session file");
    }

    @Test
    void aDamagedSessionIsRefusedWithWhatIsWrong() throws Exception {
        Path damaged = dir.resolve("damaged.jsonl");
        Files.writeString(damaged, "{\"type\":\"session_traffic\",\"from\":\"2026-12-01T10:00:00Z\","
                + "\"to\":\"2026-12-01T10:00:05Z\",\"content\":\"masked\",\"dropped\":0,\"trimmed\":0,"
                + "\"sources\":[\"x\"],\"entries\":[{\"kind\":\"message\",\"at\":\"yesterday\","
                + "\"user_id\":\"u\",\"connection_id\":\"c\",\"message\":{\"type\":\"ping\"}}]}\n"
                + "{\"type\":\"session_traffic\",\"entries\":[cut sh\n");
        StringWriter said = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(record(said, err, "simulate", "record", "--session", damaged.toString(), "--out",
                dir.resolve("d.rec.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("holds traffic no recording can be made of").contains("yesterday");
        assertThat(dir.resolve("d.rec.json")).doesNotExist();
    }

    @Test
    void anOperatorsConsoleKeepsARemoteRoutersTrafficWithTheConnectionsItClosed() throws Exception {
        Router watched = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET).httpPort(-1));
        try {
            String operator = new TokenService(Monitors.SECRET, Clock.systemUTC()).mint("oncall-ann", Role.OPERATOR,
                    Duration.ofMinutes(5));
            SessionRecorder session = new SessionRecorder(3_000, 50_000);
            TrafficKeeper keeper = new TrafficKeeper(() -> monitors(watched, operator), session, background,
                    Clock.systemUTC());
            startKeeping(keeper);
            String token = new TokenService(Monitors.SECRET, Clock.systemUTC()).mint("carol", Role.USER,
                    Duration.ofMinutes(5));
            try (dev.switchboard.router.support.WsClient carol = dev.switchboard.router.support.WsClient.open(
                    watched.clientUri(), Map.of("Authorization", "Bearer " + token), true);
                 dev.switchboard.router.support.WsClient monitor = Monitors.open(watched, "oncall-ann", Role.OPERATOR)) {
                carol.send(Map.of("type", "ping", "message_id", "p-1"));
                carol.awaitReply("p-1");
                Monitors.command(monitor, "disconnect_user", fields -> fields.put("user_id", "carol"));
                carol.awaitClose();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> session.trafficNow().entries().stream()
                    .anyMatch(entry -> entry.contains("\"kind\":\"connection_closed_by_router\"")));
            keeper.stop();
            Recording recording = Recording.of(session.trafficNow(), true);
            assertThat(recording.users()).extracting(Recording.User::userId).containsExactly("carol");
            assertThat(recording.messages()).isEqualTo(1);
            assertThat(recording.original().connectionsClosedByRouter()).isEqualTo(1);
            assertThat(recording.sources()).containsExactly("ws://127.0.0.1:" + watched.port() + "/monitor");
        } finally {
            watched.stop();
        }
    }

    @Test
    void keepingOutlastsEachRecordingWithoutAGapOrADuplicate() throws Exception {
        Router watched = TestRouters.start(config -> config.httpPort(-1));
        try {
            SessionRecorder session = new SessionRecorder(3_000, 50_000);
            // recordings of 6 s, the next one started 4 s before one ends: a hand-over every 2 s (three
            // in the 7 s of pings), each 1 s ahead (a quarter of the overlap), so a next recording may
            // take ~1.5 s to start on a busy machine before the hand-over would come after the old
            // one's end
            TrafficKeeper keeper = new TrafficKeeper(() -> new RecordingSource.InProcess(watched), session, background,
                    Clock.systemUTC(), Duration.ofSeconds(6), Duration.ofSeconds(4));
            startKeeping(keeper);
            int sent = 0;
            try (dev.switchboard.router.support.WsClient dan = dev.switchboard.router.support.WsClient.connect(
                    watched.clientUri(), "dan")) {
                // at most one ping a millisecond: as fast as a machine may be, the session's bound on
                // traffic (which drops the oldest beyond it) stays far off
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(7);
                while (System.nanoTime() < end) {
                    dan.send(Map.of("type", "ping", "message_id", "p-" + sent));
                    dan.awaitReply("p-" + sent); // one ping at a time: each waits for its pong
                    sent++;
                    java.util.concurrent.locks.LockSupport.parkNanos(start + sent * 1_000_000L - System.nanoTime());
                }
            }
            int all = sent;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> kept = messages(session);
                assertThat(kept.size()).as("pings kept of %d sent; missing: %s; %s", all, missing(kept, all),
                        keeper.state()).isGreaterThanOrEqualTo(all);
            });
            assertThat(keeper.state().phase()).isEqualTo(TrafficKeeper.Phase.KEEPING);
            keeper.stop();
            List<String> ids = messages(session);
            assertThat(ids).hasSize(sent).doesNotHaveDuplicates();
            assertThat(keeper.state().dropped()).isZero();
            assertThat(Recording.of(session.trafficNow(), true).messages()).isEqualTo(sent);
        } finally {
            watched.stop();
        }
    }

    /** The first ten of {@code p-0} … {@code p-(sent-1)} not in {@code kept}. */
    private static List<String> missing(List<String> kept, int sent) {
        java.util.Set<String> in = new java.util.HashSet<>(kept);
        return java.util.stream.IntStream.range(0, sent).mapToObj(i -> "p-" + i).filter(id -> !in.contains(id))
                .limit(10).toList();
    }

    /** The message ids of the pings the session kept, in order. */
    private static List<String> messages(SessionRecorder session) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (String entry : session.trafficNow().entries()) {
            com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(entry);
            if (node.path("kind").asText().equals("message")) {
                ids.add(node.path("message").path("message_id").asText());
            }
        }
        return ids;
    }

    @Test
    void keepingStoppedAndStartedAgainHoldsOnlyWhatCameAfter() throws Exception {
        Router watched = TestRouters.start(config -> config.httpPort(-1));
        try {
            SessionRecorder session = new SessionRecorder(3_000, 50_000);
            TrafficKeeper keeper = new TrafficKeeper(() -> new RecordingSource.InProcess(watched), session, background,
                    Clock.systemUTC());
            try (dev.switchboard.router.support.WsClient erin = dev.switchboard.router.support.WsClient.connect(
                    watched.clientUri(), "erin")) {
                startKeeping(keeper);
                erin.send(Map.of("type", "ping", "message_id", "before"));
                erin.awaitReply("before");
                await().atMost(Duration.ofSeconds(10)).until(() -> messages(session).contains("before"));
                keeper.stop();
                startKeeping(keeper);
                erin.send(Map.of("type", "ping", "message_id", "after"));
                erin.awaitReply("after");
                await().atMost(Duration.ofSeconds(10)).until(() -> messages(session).contains("after"));
            }
            keeper.stop();
            assertThat(messages(session)).containsExactly("after");
        } finally {
            watched.stop();
        }
    }
}
