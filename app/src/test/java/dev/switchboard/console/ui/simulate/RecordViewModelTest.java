package dev.switchboard.console.ui.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.ClusterFeed;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.ui.SilentFeed;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The panel's Record… without a window: the test plays the window's tick and owns the monotonic
 * clock, so that the progress line's seconds are the test's; the recorder and the router are real.
 */
class RecordViewModelTest {
    private static final Clock NOON = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneId.of("UTC"));

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Path> recorded = new ArrayList<>();

    /** The panel's answer: what became of the file. */
    private String chosen(Path file) {
        recorded.add(file);
        return "now the chosen scenario";
    }
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private RecordViewModel model;

    @AfterEach
    void close() throws Exception {
        if (model != null) {
            model.close();
        }
        background.shutdown();
        assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private RecordViewModel model(dev.switchboard.console.feed.ConsoleFeed feed) {
        model = new RecordViewModel(feed, dir.resolve("recordings"), nanos::get, NOON, background, this::chosen);
        return model;
    }

    /** Ticks, as the window does, until {@code phase}. */
    private void tickUntil(RecordViewModel.Phase phase) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            model.tick();
            return model.phaseProperty().get() == phase;
        });
    }

    private static void ping(WsClient user, String id) {
        user.send(Map.of("type", "ping", "message_id", id));
        user.awaitReply(id);
    }

    @Test
    void recordsTheEmbeddedRouterWhileAUserSendsShowsItsProgressAndWritesTheScenarioWhenStopped() throws Exception {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build())) {
            RecordViewModel model = model(feed);
            Path file = dir.resolve("recordings").resolve("recording-20261201-120000.rec.json");
            assertThat(Path.of(model.fileProperty().get())).isEqualTo(file);
            assertThat(model.durationProperty().get()).isEqualTo("10m");

            model.start();
            assertThat(model.phaseProperty().get()).isEqualTo(RecordViewModel.Phase.STARTING);
            assertThat(model.busyProperty().get()).isTrue();
            tickUntil(RecordViewModel.Phase.RECORDING);

            Router router = feed.router();
            try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
                ping(alice, "a-1");
                ping(alice, "a-2");
                ping(alice, "a-3");
            }
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(12));
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                nanos.addAndGet(RecordViewModel.PROGRESS_NANOS); // the progress is read at most twice a second
                model.tick();
                return model.statusProperty().get().contains("3 entries");
            });
            String status = model.statusProperty().get();
            assertThat(status).matches("recording \\d+ s of 600 s: 3 entries from 1 user, 0 dropped");
            long seconds = Long.parseLong(status.replaceAll("recording (\\d+) s.*", "$1"));
            assertThat(seconds).isGreaterThanOrEqualTo(12);
            assertThat(model.fractionProperty().get() * 600).isGreaterThanOrEqualTo(seconds).isLessThan(seconds + 1);
            assertThat(recorded).isEmpty();

            model.stop();
            assertThat(model.phaseProperty().get()).isEqualTo(RecordViewModel.Phase.SAVING);
            assertThat(model.statusProperty().get())
                    .isEqualTo("stopping: waiting for the last entries, then writing recording-20261201-120000.rec.json…");
            tickUntil(RecordViewModel.Phase.IDLE);

            assertThat(recorded).containsExactly(file);
            assertThat(model.failedProperty().get()).isFalse();
            assertThat(model.statusProperty().get()).matches("recorded 3 messages from 1 user over \\d+ s, 0 entries"
                    + " dropped: saved as .*recording-20261201-120000\\.rec\\.json, now the chosen scenario");
            Scenario scenario = Scenario.read(file);
            assertThat(scenario.name()).isEqualTo("recording-20261201-120000");
            assertThat(scenario.replay().recording().users()).singleElement()
                    .satisfies(user -> assertThat(user.userId()).isEqualTo("rec-1"));
            assertThat(Files.readString(file)).doesNotContain("alice");
            // the router audited it as the embedding process's, once to start and once to stop
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"done\"} 2.0");
        }
    }

    @Test
    void aRecordingWhoseTimeRunsOutIsWrittenWithoutAStopAndKeepsWhatWasAskedToBeKept() throws Exception {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build())) {
            RecordViewModel model = model(feed);
            model.durationProperty().set("2s");
            model.keepUserIdsProperty().set(true);
            model.keepContentProperty().set(true);
            Path file = dir.resolve("kept.rec.json");
            model.fileProperty().set(file.toString());

            model.start();
            tickUntil(RecordViewModel.Phase.RECORDING);
            try (WsClient bob = WsClient.connect(feed.router().clientUri(), "bob")) {
                bob.send(Map.of("type", "user_message", "message_id", "b-1", "payload", Map.of("content", "hello there")));
                bob.awaitReply("b-1");
            }
            // the router ends it after two seconds: the panel writes what came
            tickUntil(RecordViewModel.Phase.IDLE);

            assertThat(recorded).containsExactly(file);
            assertThat(Files.readString(file)).contains("\"bob\"").contains("hello there");
            assertThat(Scenario.read(file).description()).contains("user ids kept, content kept");
        }
    }

    @Test
    void aViewersTokenIsToldWhyItCannotRecord() throws Exception {
        Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET).httpPort(-1));
        String viewer = new TokenService(Monitors.SECRET, Clock.systemUTC()).mint("viewer-vi", Role.VIEWER,
                Duration.ofMinutes(5));
        try (ClusterFeed feed = ClusterFeed.attach(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"), viewer)) {
            RecordViewModel model = model(feed);

            model.start();
            tickUntil(RecordViewModel.Phase.IDLE);

            assertThat(model.failedProperty().get()).isTrue();
            assertThat(model.statusProperty().get()).isEqualTo(RecordViewModel.FORBIDDEN);
            assertThat(recorded).isEmpty();
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"refused\"} 1.0");
        } finally {
            router.stop();
        }
    }

    @Test
    void checksTheDurationAndTheFileAndSaysWhenTheSourceHasNoRouter() {
        RecordViewModel model = model(new SilentFeed());
        assertThat(model.settingsProblemProperty().get()).isEmpty();
        for (String fine : List.of("90s", "10m", "1h", "1s", "45", " 2 m ")) {
            model.durationProperty().set(fine);
            assertThat(model.settingsProblemProperty().get()).as(fine).isEmpty();
        }
        model.durationProperty().set("2h");
        assertThat(model.settingsProblemProperty().get()).isEqualTo("the duration must be from 1 s to 1 h");
        model.durationProperty().set("0s");
        assertThat(model.settingsProblemProperty().get()).isEqualTo("the duration must be from 1 s to 1 h");
        model.durationProperty().set("soon");
        assertThat(model.settingsProblemProperty().get())
                .isEqualTo("the duration is a number of seconds, minutes or hours: 90s, 10m, 1h");
        model.start();
        assertThat(model.phaseProperty().get()).as("not started with a wrong duration").isEqualTo(RecordViewModel.Phase.IDLE);

        model.durationProperty().set("10m");
        model.fileProperty().set(" ");
        assertThat(model.settingsProblemProperty().get()).isEqualTo("choose a file to save the recording in");
        model.fileProperty().set(dir.resolve("elsewhere").resolve("mine.rec.json").toString());
        model.suggestFile();
        assertThat(Path.of(model.fileProperty().get()))
                .as("the next suggestion is in the directory chosen last")
                .isEqualTo(dir.resolve("elsewhere").resolve("recording-20261201-120000.rec.json"));

        model.start();
        assertThat(model.phaseProperty().get()).isEqualTo(RecordViewModel.Phase.IDLE);
        assertThat(model.failedProperty().get()).isTrue();
        assertThat(model.statusProperty().get()).isEqualTo("cannot record: this source has no router to record");
    }
}
