package dev.switchboard.console.ui.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.simulate.Measure;
import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.simulate.ScenarioCatalog;
import dev.switchboard.console.simulate.Simulation;
import dev.switchboard.console.simulate.VirtualUser;
import dev.switchboard.router.Router;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.support.TestRouters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulate panel's state without a window: ticks driven by the test, as the window's 10 Hz tick would. */
class SimulateViewModelTest {
    private static final ScenarioCatalog SHIPPED = ScenarioCatalog.find(Path.of(""));

    private EmbeddedFeed feed;
    private SimulateViewModel model;

    @AfterEach
    void close() {
        if (model != null) {
            model.close();
        }
        if (feed != null) {
            feed.close();
        }
    }

    @Test
    void runsTheSmokeScenarioToAPassingVerdictWithFiveUserRowsAndLatencyPointsAndSavesTheReport(@TempDir Path dir)
            throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);
        assertThat(model.scenarioFileProperty().get().getFileName().toString()).isEqualTo("smoke.json");

        model.start();
        assertThat(model.busyProperty().get()).isTrue();
        assertThat(model.startableProperty().get()).isFalse();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            model.tick();
            return model.reportProperty().get() != null;
        });

        SimReport report = model.reportProperty().get();
        assertThat(report.passed()).as(report.table()).isTrue();
        assertThat(model.statusProperty().get()).isEqualTo("done: PASS");
        // the CLI's latency table, measure by measure
        assertThat(model.latencyRows()).extracting(LatencyRow::measure)
                .containsExactly("ack", "first_event", "run", "ping", "other_replies");
        assertThat(model.latencyRows()).allSatisfy(row -> {
            Measure.Figures figures = report.latency().get(row.measure());
            assertThat(row).isEqualTo(new LatencyRow(row.measure(), figures.count(), figures.p50(), figures.p95(),
                    figures.p99(), figures.max()));
            assertThat(row.count()).as(row.measure()).isPositive();
        });
        // a measure with no values has no figures (the CLI prints 0.00)
        assertThat(LatencyRow.of("ping", Measure.Figures.of(new Histogram(3))))
                .isEqualTo(new LatencyRow("ping", 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN));
        assertThat(model.progressProperty().get().sent()).isEqualTo(100);
        assertThat(model.rows()).hasSize(5);
        assertThat(model.latency()).isNotEmpty().hasSizeLessThanOrEqualTo(SimulateViewModel.CHART_POINTS);
        assertThat(model.noteProperty().get()).contains("dev auth");
        assertThat(model.busyProperty().get()).isFalse();
        assertThat(model.startableProperty().get()).isTrue();

        model.saveReport(dir.resolve("smoke-report.json"));
        assertThat(model.noteProperty().get()).startsWith("saved ");
        assertThat(Files.readString(dir.resolve("smoke-report.json"))).contains("\"verdict\" : \"pass\"");
        assertThat(Files.readAllLines(dir.resolve("smoke-report.csv"))).hasSize(6);

        // the users said goodbye: the router saw five clean closes and no dropped connection
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> feed.router().connections().isEmpty());
        assertThat(feed.router().transportStats().closes(1006)).as("connections dropped without a close").isZero();
        assertThat(feed.router().transportStats().closes(1000)).isEqualTo(5);
    }

    @Test
    void connectedNowDropsWhenTheRouterClosesAUser(@TempDir Path dir) throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        Path scenario = Files.writeString(dir.resolve("stay.json"), """
                {"name":"stay","users":3,"user_prefix":"stay","duration_ms":60000,"drain_ms":2000,
                 "think_time":{"distribution":"fixed","mean_ms":100},"mix":{"heartbeat":1}}""");
        model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);
        model.scenarioFileProperty().set(scenario);

        model.start();
        awaitConnected(3);
        feed.router().monitorCommand(Json.mapper().createObjectNode().put("type", "disconnect_user")
                .put("user_id", "stay-1"));

        awaitConnected(2);
        assertThat(model.progressProperty().get().users()).isEqualTo(3);
        assertThat(model.statusProperty().get()).matches("running · \\d:\\d\\d elapsed · \\d:\\d\\d left");
    }

    @Test
    void aRecordingMadeWhileASimulationRunsBecomesTheChosenScenarioOnceItIsDoneReadyToStart(@TempDir Path dir)
            throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        Path stay = Files.writeString(dir.resolve("stay.json"), """
                {"name":"stay","users":2,"user_prefix":"stay","duration_ms":60000,"drain_ms":2000,
                 "think_time":{"distribution":"fixed","mean_ms":100},"mix":{"ping":1}}""");
        model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);
        model.scenarioFileProperty().set(stay);
        model.start();
        awaitConnected(2);

        // the simulation's own traffic, recorded for two seconds (the router ends it)
        RecordViewModel recording = model.recording();
        Path file = dir.resolve("stay.rec.json");
        recording.fileProperty().set(file.toString());
        recording.durationProperty().set("2s");
        recording.start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            model.tick();
            return model.scenarioFiles().contains(file);
        });
        assertThat(recording.statusProperty().get()).startsWith("recorded ").contains(" from 2 users ")
                .endsWith(", the chosen scenario once this simulation is done");
        assertThat(model.busyProperty().get()).isTrue();
        assertThat(model.scenarioFileProperty().get()).as("not while the simulation runs").isEqualTo(stay);

        model.stop();
        model.stop();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            model.tick();
            return file.equals(model.scenarioFileProperty().get());
        });
        assertThat(model.busyProperty().get()).isFalse();
        assertThat(model.scenarioProperty().get().replay().recording().users()).extracting(user -> user.userId())
                .containsExactlyInAnyOrder("rec-1", "rec-2");
        assertThat(model.startableProperty().get()).isTrue();
    }

    @Test
    void connectedNowFollowsTheUsersClosesAfterTheReportDownToZeroAndEveryCloseIsClean() {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);
        // enough users that some may still be saying goodbye when the report is made: 99 of 400 were in one
        // run here, none in another (then the tile is at 0 without following the closes)
        model.usersProperty().set("400");

        model.start();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            model.tick();
            return model.reportProperty().get() != null;
        });

        awaitConnected(0);
        assertThat(model.progressProperty().get().phase()).isEqualTo(Simulation.Phase.DONE);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> feed.router().connections().isEmpty());
        assertThat(feed.router().transportStats().closes(1006)).as("connections dropped without a close").isZero();
        assertThat(feed.router().transportStats().closes(1000)).isEqualTo(400);
    }

    private void awaitConnected(int users) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            model.tick();
            return model.progressProperty().get() != null && model.progressProperty().get().connectedUsers() == users;
        });
    }

    @Test
    void saysTimeElapsedAndLeftForADurationAndEstimatesItForAMessageCount() {
        assertThat(SimulateViewModel.runningStatus(25_400, 0.42, 60_000)).isEqualTo("running · 0:25 elapsed · 0:35 left");
        assertThat(SimulateViewModel.runningStatus(0, 0, 60_000)).isEqualTo("running · 0:00 elapsed · 1:00 left");
        assertThat(SimulateViewModel.runningStatus(61_000, 1, 60_000)).isEqualTo("running · 1:01 elapsed · 0:00 left");
        assertThat(SimulateViewModel.runningStatus(3_725_000, 0.5, 7_200_000))
                .isEqualTo("running · 1:02:05 elapsed · 57:55 left");
        // a message count: what is left is estimated from the share sent so far
        assertThat(SimulateViewModel.runningStatus(10_000, 0.25, 0)).isEqualTo("running · 0:10 elapsed · about 0:30 left");
        assertThat(SimulateViewModel.runningStatus(1_500, 0, 0)).isEqualTo("running · 0:01 elapsed");
        assertThat(SimulateViewModel.runningStatus(9_000, 1, 0)).isEqualTo("running · 0:09 elapsed · about 0:00 left");
    }

    @Test
    void saysHowLongTheDrainCanStillTake() {
        assertThat(SimulateViewModel.drainingStatus(15_000, 0)).isEqualTo("draining · up to 15 s left");
        assertThat(SimulateViewModel.drainingStatus(15_000, 2_500)).isEqualTo("draining · up to 13 s left");
        assertThat(SimulateViewModel.drainingStatus(15_000, 14_900)).isEqualTo("draining · up to 1 s left");
        assertThat(SimulateViewModel.drainingStatus(15_000, 15_000)).isEqualTo("draining · finishing");
        assertThat(SimulateViewModel.drainingStatus(0, 300)).isEqualTo("draining · finishing");
    }

    @Test
    void notesThatTheSimulatorSharesTheProcessOnlyWhenUsersConnectToTheEmbeddedRouter() {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);
        int port = feed.router().port();
        assertThat(model.inProcessNoteProperty().get()).isEqualTo(SimulateViewModel.IN_PROCESS_NOTE);

        model.urlsProperty().set("ws://127.0.0.1:" + (port + 1) + "/ws, ws://10.0.0.7:" + port + "/ws");
        assertThat(model.inProcessNoteProperty().get()).isEmpty();

        model.urlsProperty().set("ws://127.0.0.1:" + (port + 1) + "/ws ws://localhost:" + port + "/ws");
        assertThat(model.inProcessNoteProperty().get()).isEqualTo(SimulateViewModel.IN_PROCESS_NOTE);

        model.urlsProperty().set("");
        assertThat(model.inProcessNoteProperty().get()).isEqualTo(SimulateViewModel.IN_PROCESS_NOTE);
    }

    @Test
    void pollsProgressAtMostTwiceASecondHoweverOftenItTicks() {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        long[] now = {1_000_000_000L};
        model = new SimulateViewModel(feed, SHIPPED, () -> now[0], name -> null);
        model.usersProperty().set("2");

        model.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            model.tick();
            return model.progressProperty().get() != null;
        });
        int points = model.latency().size();
        for (int i = 0; i < 20; i++) {
            now[0] += 20_000_000L;
            model.tick();
        }
        assertThat(model.latency()).hasSize(points);
        now[0] += SimulateViewModel.PROGRESS_NANOS;
        model.tick();
        assertThat(model.latency().size()).isEqualTo(points + 1);
    }

    @Test
    void refusesAUserCountThatIsNotANumberOrTooSmallForTheGroups() throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);

        model.usersProperty().set("many");
        assertThat(model.startableProperty().get()).isFalse();
        assertThat(model.problemProperty().get()).isEqualTo("users must be a whole number");

        model.scenarioFileProperty().set(SHIPPED.directory().resolve("flood-one-user.json"));
        model.usersProperty().set("1");
        assertThat(model.problemProperty().get()).isEqualTo("users must be 2 to 100000");

        model.usersProperty().set("");
        assertThat(model.startableProperty().get()).isTrue();
    }

    @Test
    void refusesRouterUrlsThatAreNotClientEndpointsOrGivenTwice() {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);

        model.urlsProperty().set("ws://127.0.0.1:8765/ws, 127.0.0.1:8775/ws");
        assertThat(model.startableProperty().get()).isFalse();
        assertThat(model.problemProperty().get()).isEqualTo("not a ws:// or wss:// URL: 127.0.0.1:8775/ws");

        model.urlsProperty().set("ws://127.0.0.1:8765/ws ws://127.0.0.1:8765/ws");
        assertThat(model.problemProperty().get()).isEqualTo("router URL given twice: ws://127.0.0.1:8765/ws");

        model.urlsProperty().set(" ws://127.0.0.1:8765/ws,ws://127.0.0.1:8775/ws\twss://node-3/ws ");
        assertThat(model.problemProperty().get()).isEmpty();
        assertThat(RouterUrls.parse(model.urlsProperty().get())).extracting(java.net.URI::toString)
                .containsExactly("ws://127.0.0.1:8765/ws", "ws://127.0.0.1:8775/ws", "wss://node-3/ws");
        assertThat(model.startableProperty().get()).isTrue();

        model.urlsProperty().set("  ");
        assertThat(RouterUrls.parse(model.urlsProperty().get())).isEmpty();
        assertThat(model.startableProperty().get()).isTrue();
    }

    @Test
    void spreadsTheUsersOverTheTypedUrlsAndReportsEachOne(@TempDir Path dir) throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
        Router second = TestRouters.start(config -> config.httpPort(-1));
        try {
            Path scenario = Files.writeString(dir.resolve("two-nodes.json"), """
                    {"name":"two-nodes","users":3,"connections_per_user":2,"messages_per_user":10,
                     "think_time":{"distribution":"fixed","mean_ms":20},"mix":{"heartbeat":1,"validate_content":1}}""");
            String first = feed.router().clientUri().toString();
            String other = second.clientUri().toString();
            model = new SimulateViewModel(feed, SHIPPED, System::nanoTime, name -> null);
            model.scenarioFileProperty().set(scenario);
            model.urlsProperty().set(first + ", " + other);

            model.start();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                model.tick();
                return model.reportProperty().get() != null;
            });

            SimReport report = model.reportProperty().get();
            assertThat(report.passed()).as(report.table()).isTrue();
            assertThat(report.connectionsByUrl()).containsExactly(new SimReport.UrlConnections(first, 3, 0, 0),
                    new SimReport.UrlConnections(other, 3, 0, 0));
            assertThat(second.stats().byType()).containsKeys("heartbeat", "validate_content");
            assertThat(model.noteProperty().get()).startsWith("Users connect to " + first + ", " + other + " with dev auth");
        } finally {
            second.stop();
        }
    }

    @Test
    void aSavedSessionCannotStartAndSaysThatSimulationNeedsALiveRouter(@TempDir Path dir) throws Exception {
        Path session = Files.writeString(dir.resolve("session.jsonl"), "");
        model = new SimulateViewModel(new ReplayFeed(session), SHIPPED, System::nanoTime, name -> null);

        model.start();

        assertThat(model.startableProperty().get()).isFalse();
        assertThat(model.busyProperty().get()).isFalse();
        assertThat(model.noteProperty().get())
                .isEqualTo("Simulation needs a live router: a saved session has no router to send to.");
        assertThat(model.inProcessNoteProperty().get()).isEmpty();
    }

    @Test
    void theDefaultOrderPutsProblemsFirstThenUsersAsPeopleCountThem() {
        List<VirtualUser.UserRow> rows = new ArrayList<>(List.of(row("chat-100-10", 0, 0), row("chat-100-2", 0, 0),
                row("chat-100-11", 0, 3), row("chat-100-3", 1, 0), row("chat-100-1", 0, 3)));

        rows.sort(SimulateViewModel.MOST_PROBLEMS_FIRST);

        assertThat(rows).extracting(VirtualUser.UserRow::user)
                .containsExactly("chat-100-3", "chat-100-1", "chat-100-11", "chat-100-2", "chat-100-10");
    }

    private static VirtualUser.UserRow row(String user, long violations, long errors) {
        return new VirtualUser.UserRow(user, "chat-100", 1, 10, 10, 0, 0, errors, violations);
    }
}
