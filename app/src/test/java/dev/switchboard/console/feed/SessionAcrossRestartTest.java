package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.Replay;
import dev.switchboard.console.state.Sample;
import dev.switchboard.console.ui.ConsoleViewModels;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving keeps the incident: what the console held before a router restart and the outage itself
 * are in the saved file, and opening it shows them, with the overview's chart drawn at the
 * session's own times.
 */
class SessionAcrossRestartTest {
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");

    private static MonitorSnapshot snapshot(Instant at) {
        return new MonitorSnapshot(1, at, null, null, null, null, 0, null, null, null, null, null, null, null, null,
                null);
    }

    private static MonitorUpdate update(long seq, Instant at, int events) {
        List<MonitorEvent> list = new java.util.ArrayList<>();
        for (int i = 0; i < events; i++) {
            list.add(new MonitorEvent.ErrorSent(at, "u", "c-1", "m-" + seq + "-" + i, "unknown_type", "no", null));
        }
        return new MonitorUpdate(seq, at, null, null, list, 0);
    }

    @Test
    void keepsTheUpdatesFromBeforeALaterSnapshotAndMarksTheOutage() {
        SessionRecorder recorder = new SessionRecorder(100, 1_000);
        recorder.status(new FeedStatus(FeedStatus.State.CONNECTED, T0, "ws://a"));
        recorder.accept(snapshot(T0));
        recorder.accept(update(1, T0.plusSeconds(1), 1));
        recorder.status(new FeedStatus(FeedStatus.State.RECONNECTING, T0.plusSeconds(2), "connection refused"));
        recorder.status(new FeedStatus(FeedStatus.State.RECONNECTING, T0.plusSeconds(3), "still refused"));
        recorder.status(new FeedStatus(FeedStatus.State.CONNECTED, T0.plusSeconds(9), "ws://a"));
        recorder.accept(snapshot(T0.plusSeconds(9)));
        recorder.accept(update(1, T0.plusSeconds(10), 1));

        List<Object> documents = recorder.documents();
        assertThat(documents).hasSize(7);
        assertThat(documents.get(1)).isInstanceOf(MonitorSnapshot.class);
        assertThat(documents.get(2)).isInstanceOf(MonitorUpdate.class);
        // a countdown that keeps the state is not a marker of its own
        assertThat(documents).filteredOn(SessionMarker.class::isInstance).extracting(d -> ((SessionMarker) d).feed())
                .containsExactly("connected", "reconnecting", "connected");
        assertThat(documents.get(5)).isInstanceOf(MonitorSnapshot.class);
    }

    @Test
    void dropsTheOldestFirstAndASnapshotOnlyWhenALaterOneStandsInForIt() {
        SessionRecorder recorder = new SessionRecorder(3, 1_000);
        recorder.accept(snapshot(T0));
        recorder.accept(update(1, T0.plusSeconds(1), 0));
        recorder.accept(update(2, T0.plusSeconds(2), 0));
        recorder.accept(snapshot(T0.plusSeconds(3)));
        recorder.accept(update(1, T0.plusSeconds(4), 0));
        recorder.accept(update(2, T0.plusSeconds(5), 0));
        // four updates held three: the oldest went, its snapshot stays (one of its updates is left)
        assertThat(times(recorder)).containsExactly(0L, 2L, 3L, 4L, 5L);
        recorder.accept(update(3, T0.plusSeconds(6), 0));
        // the first snapshot's last update went: the second snapshot stands in for it
        assertThat(times(recorder)).containsExactly(3L, 4L, 5L, 6L);

        SessionRecorder byEvents = new SessionRecorder(100, 5);
        byEvents.accept(snapshot(T0));
        byEvents.accept(update(1, T0.plusSeconds(1), 3));
        byEvents.accept(update(2, T0.plusSeconds(2), 3));
        assertThat(times(byEvents)).containsExactly(0L, 2L);
    }

    @Test
    void keepsAtMostTwentySnapshotsOfAFeedThatKeepsReconnecting(@TempDir Path dir) throws Exception {
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000);
        for (int i = 0; i < 25; i++) {
            recorder.status(new FeedStatus(FeedStatus.State.CONNECTED, T0.plusSeconds(10L * i), "ws://a"));
            recorder.accept(snapshot(T0.plusSeconds(10L * i)));
            recorder.status(new FeedStatus(FeedStatus.State.RECONNECTING, T0.plusSeconds(10L * i + 5), "idle timeout"));
            recorder.status(new FeedStatus(FeedStatus.State.LOST, T0.plusSeconds(10L * i + 8), "idle timeout"));
        }
        List<Object> documents = recorder.documents();
        assertThat(documents).filteredOn(MonitorSnapshot.class::isInstance).hasSize(SessionRecorder.MAX_SNAPSHOTS);
        assertThat(((MonitorSnapshot) documents.stream().filter(MonitorSnapshot.class::isInstance).findFirst()
                .orElseThrow()).serverTime()).isEqualTo(T0.plusSeconds(50));

        Path file = dir.resolve("flapping.jsonl");
        recorder.save(file);
        // reconnecting then lost is one outage, not two
        assertThat(new ReplayFeed(file).offlineStatus().detail()).endsWith(", 20 outages");
    }

    private static List<Long> times(SessionRecorder recorder) {
        return recorder.documents().stream().map(d -> ((MonitorFrame) d).serverTime().getEpochSecond() - T0.getEpochSecond())
                .toList();
    }

    @Test
    void stepsASessionASecondAtATimeWithItsMarkersWhereTheyCame(@TempDir Path dir) throws Exception {
        SessionRecorder recorder = new SessionRecorder(100, 1_000);
        recorder.accept(snapshot(T0));
        recorder.accept(update(1, T0.plusMillis(100), 0));
        recorder.accept(update(2, T0.plusMillis(900), 0));
        recorder.accept(update(3, T0.plusMillis(1_200), 0));
        recorder.status(new FeedStatus(FeedStatus.State.LOST, T0.plusSeconds(2), "Connection refused"));
        recorder.status(new FeedStatus(FeedStatus.State.CONNECTED, T0.plusSeconds(30), "ws://a"));
        recorder.accept(snapshot(T0.plusSeconds(30)));
        recorder.accept(update(1, T0.plusMillis(30_100), 0));
        Path file = dir.resolve("s.jsonl");
        assertThat(recorder.save(file)).isEqualTo(8);
        assertThat(Files.readAllLines(file).get(4))
                .isEqualTo("{\"type\":\"console_marker\",\"at\":\"2026-12-01T03:00:02Z\",\"feed\":\"lost\","
                        + "\"detail\":\"Connection refused\"}");

        ReplayFeed replay = new ReplayFeed(file);
        List<ReplayFeed.Step> steps = replay.steps();
        assertThat(steps).extracting(step -> step.atMillis() - T0.toEpochMilli())
                .containsExactly(0L, 1_200L, 2_000L, 30_000L, 30_000L);
        assertThat(steps).extracting(step -> step.frames().size()).containsExactly(3, 1, 0, 0, 2);
        assertThat(steps.get(2).status().state()).isEqualTo(FeedStatus.State.LOST);
        assertThat(replay.firstMillis()).isEqualTo(T0.toEpochMilli());
        assertThat(replay.lastMillis()).isEqualTo(T0.plusMillis(30_100).toEpochMilli());
        assertThat(replay.offlineStatus().state()).isEqualTo(FeedStatus.State.OFFLINE);
        assertThat(replay.offlineStatus().detail()).contains("6 frames from s.jsonl").endsWith("1 outage");
    }

    @Test
    void aShowingStoppedForAnotherMomentPlaysNothingMore(@TempDir Path dir) throws Exception {
        SessionRecorder recorder = new SessionRecorder(100, 1_000);
        recorder.accept(snapshot(T0));
        recorder.accept(update(1, T0.plusSeconds(5), 1));
        Path file = dir.resolve("s.jsonl");
        recorder.save(file);
        Replay showing = new Replay(new ReplayFeed(file));
        ConsoleState state = showing.newState();
        List<Runnable> queued = new java.util.ArrayList<>();
        showing.play(state, new SessionRecorder(100, 1_000), queued::add);

        showing.stop();
        queued.forEach(Runnable::run);

        assertThat(state.statusProperty().get()).isNull();
        assertThat(showing.clockMillis()).isEqualTo(T0.toEpochMilli());
    }

    /** Feeds {@code feed}'s frames and status to the recorder and the state, as the console does. */
    private static void record(EmbeddedFeed feed, SessionRecorder recorder, ConsoleState live) {
        feed.start(frame -> {
            recorder.accept(frame);
            live.offer(frame);
        }, status -> {
            recorder.status(status);
            live.offerStatus(status);
        });
    }

    @Test
    void aSessionSavedAfterARouterRestartOpensWithWhatCameBeforeIt(@TempDir Path dir) throws Exception {
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000);
        ConsoleState live = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        Path file = dir.resolve("incident.jsonl");
        String runId;
        try (EmbeddedFeed before = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             WsClient alice = WsClient.connect(before.router().clientUri(), "alice")) {
            ConsoleViewModels models = ConsoleViewModels.attach(live, before, Runnable::run);
            record(before, recorder, live);
            alice.send(Map.of("type", "no_such_type", "message_id", "x"));
            alice.awaitReply("x");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                live.applyPending();
                return !models.errors().errors().isEmpty();
            });
        }
        recorder.status(new FeedStatus(FeedStatus.State.RECONNECTING, Instant.now(), "Connection refused"));
        try (EmbeddedFeed after = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             WsClient bob = WsClient.connect(after.router().clientUri(), "bob")) {
            record(after, recorder, live);
            bob.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            runId = bob.awaitReply("m").path("run_id").asText();
            bob.awaitRun(runId);
            // two seconds and more of updates, for the chart: pings keep them coming
            Instant first = ((MonitorFrame) recorder.documents().stream().filter(MonitorFrame.class::isInstance)
                    .findFirst().orElseThrow()).serverTime();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                bob.send(Map.of("type", "ping"));
                List<Object> documents = recorder.documents();
                return documents.get(documents.size() - 1) instanceof MonitorUpdate last
                        && last.serverTime().isAfter(first.plusMillis(2_500));
            });
            recorder.save(file);
        }

        ReplayFeed replay = new ReplayFeed(file);
        Replay showing = new Replay(replay);
        ConsoleState offline = showing.newState();
        ConsoleViewModels models = ConsoleViewModels.attach(offline, replay, Runnable::run);
        showing.play(offline, new SessionRecorder(3_000, 50_000), Runnable::run);

        assertThat(models.errors().errors()).extracting(e -> e.code()).contains("unknown_type");
        assertThat(models.runs().runs()).anyMatch(run -> run.runId().equals(runId)
                && run.statusProperty().get().equals("completed"));
        assertThat(offline.statusProperty().get().state()).isEqualTo(FeedStatus.State.OFFLINE);
        assertThat(offline.statusProperty().get().detail()).contains("1 outage");
        List<Sample> samples = models.overview().samples();
        List<Instant> frameTimes = replay.steps().stream().filter(step -> !step.frames().isEmpty())
                .map(step -> Instant.ofEpochMilli(step.atMillis())).toList();
        double span = Duration.between(frameTimes.get(0), frameTimes.get(frameTimes.size() - 1)).toMillis() / 1000.0;
        // a point a second of the session's own time, not one per tick of the replay
        assertThat(samples.size()).isGreaterThanOrEqualTo(2);
        assertThat(samples.get(samples.size() - 1).atSeconds() - samples.get(0).atSeconds())
                .isBetween(span - 1.0, span + 0.001);
        // the chart's origin is the session's first line (the feed's "connected" marker, stamped just
        // before the first frame), not the moment the file was opened
        assertThat(models.overview().startedAtMillis()).isEqualTo(replay.firstMillis())
                .isBetween(frameTimes.get(0).toEpochMilli() - 1_000, frameTimes.get(0).toEpochMilli());
    }
}
