package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.RunRow;
import dev.switchboard.console.ui.ConsoleViewModels;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving what the console holds as JSON lines and opening it offline shows the same. */
class SessionRecorderReplayTest {

    @Test
    void aSavedSessionOpensOfflineWithTheSameRunsErrorsAndConnections(@TempDir Path dir) throws Exception {
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000);
        ConsoleState live = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        Path file = dir.resolve("session.jsonl");
        String runId;
        List<MonitorFrame> given = new ArrayList<>();
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            ConsoleViewModels liveModels = ConsoleViewModels.attach(live, feed, Runnable::run);
            feed.start(document -> {
                synchronized (given) {
                    given.add(document);
                    recorder.accept(document);
                }
                live.offer(document);
            }, live::offerStatus);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                live.applyPending();
                return liveModels.connections().connections().size() == 1;
            });
            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            runId = alice.awaitReply("m").path("run_id").asText();
            alice.awaitRun(runId);
            alice.send(Map.of("type", "no_such_type", "message_id", "x"));
            alice.awaitReply("x");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                live.applyPending();
                return !liveModels.errors().errors().isEmpty() && liveModels.runs().runs().stream()
                        .anyMatch(run -> run.statusProperty().get().equals("completed"));
            });
            List<Object> held;
            List<MonitorFrame> sent;
            synchronized (given) {
                held = recorder.documents();
                sent = List.copyOf(given);
            }
            // updates are held as their JSON: read back, each is the record the feed gave
            assertThat(held).containsExactlyElementsOf(sent);
            assertThat(sent).filteredOn(MonitorUpdate.class::isInstance)
                    .anyMatch(update -> !((MonitorUpdate) update).events().isEmpty()
                            && !((MonitorUpdate) update).stats().byType().isEmpty());
            int lines = recorder.save(file);
            assertThat(lines).isGreaterThanOrEqualTo(sent.size());
            assertThat(Files.readAllLines(file).get(0)).contains("\"type\":\"monitor_snapshot\"");
        }

        ConsoleState offline = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        ReplayFeed replay = new ReplayFeed(file);
        ConsoleViewModels models = ConsoleViewModels.attach(offline, replay, Runnable::run);
        replay.start(offline::offer, offline::offerStatus);
        offline.applyPending();
        RunRow run = models.runs().runs().stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow();
        assertThat(run.statusProperty().get()).isEqualTo("completed");
        assertThat(run.timeline()).hasSize(6);
        assertThat(models.errors().errors()).extracting(e -> e.code()).contains("unknown_type");
        assertThat(models.connections().connections()).extracting(ConnectionRow::userId).containsExactly("alice");
        assertThat(replay.source()).isEqualTo("offline session.jsonl");
        assertThat(replay.command(null).toCompletableFuture().get().path("code").asText()).isEqualTo("unavailable");
    }

    /**
     * A session saved before the monitor protocol had records (written from maps, some objects'
     * keys in another order) still opens, with every run event, error and connection.
     */
    @Test
    void aSessionSavedBeforeTheTypedRecordsStillOpens() throws Exception {
        Path file = Path.of(SessionRecorderReplayTest.class.getResource("/sessions/saved-before-typed-records.jsonl")
                .toURI());
        ConsoleState offline = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        ReplayFeed replay = new ReplayFeed(file);
        ConsoleViewModels models = ConsoleViewModels.attach(offline, replay, Runnable::run);
        replay.start(offline::offer, offline::offerStatus);
        offline.applyPending();
        RunRow run = models.runs().runs().stream().filter(r -> r.runId().equals("run-1")).findFirst().orElseThrow();
        assertThat(run.statusProperty().get()).isEqualTo("completed");
        assertThat(run.backendProperty().get()).isEqualTo("simulated");
        assertThat(run.timeline()).hasSize(6);
        assertThat(run.flagsProperty().get()).isEmpty();
        assertThat(models.errors().errors()).extracting(e -> e.code()).containsExactly("unknown_type");
        assertThat(models.connections().connections()).extracting(ConnectionRow::userId).containsExactly("alice");
        assertThat(models.log().lines()).extracting(line -> line.type()).contains("user_message", "agent_completed",
                "error", "quality_alert");
        assertThat(models.overview().figures()).filteredOn(figure -> figure.id().equals("p99"))
                .extracting(figure -> figure.value().get()).containsExactly("2.33"); // 2.327 in the file, shown to three digits
        assertThat(models.protection().limitsProperty().get()).startsWith("user 100/min burst 20");
        assertThat(models.protection().breakers()).isEmpty();
    }

    @Test
    void trafficKeptIsBoundedOldestFirstAndSavedAfterTheFramesInLinesOfFiveHundred(@TempDir Path dir)
            throws Exception {
        java.time.Instant start = java.time.Instant.parse("2026-12-01T10:00:00Z");
        String one = entry(start);
        // room for about 1,200 entries of this size
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000, one.length() * 1_200L);
        recorder.accept(new dev.switchboard.router.monitor.wire.MonitorUpdate(1, start, null, null,
                java.util.List.of(), 0));
        // the console's clock reads 09:59:58 when the router's reads 10:00:00
        TrafficRing ring = recorder.keepTraffic(start.minusSeconds(2), java.util.List.of("ws://127.0.0.1:1/monitor"),
                "masked");
        ring.clock(start, start.minusSeconds(2));
        for (int i = 0; i < 1_500; i++) {
            ring.add(start.plusMillis(i), entry(start.plusMillis(i)));
        }
        assertThat(recorder.trafficEntries()).isBetween(1_100, 1_200);
        ring.dropped(7);
        ring.stop(start.plusSeconds(3)); // the console's clock: 10:00:05 on the router's
        ring.add(start.plusSeconds(4), one); // after the stop: not kept
        int kept = recorder.trafficEntries();

        Path file = dir.resolve("traffic.jsonl");
        int lines = recorder.save(file);
        java.util.List<String> written = Files.readAllLines(file);
        assertThat(lines).isEqualTo(written.size()).isEqualTo(1 + (kept + 499) / 500);
        assertThat(written.get(0)).startsWith("{\"type\":\"monitor_update\"");
        assertThat(written.subList(1, written.size())).allMatch(line -> line.startsWith("{\"type\":\"session_traffic\""));
        SessionTraffic traffic = new ReplayFeed(file).traffic();
        assertThat(traffic.entries()).hasSize(kept);
        assertThat(traffic.trimmed()).isEqualTo(1_500 - kept);
        // the oldest went: what is kept begins at its first entry
        assertThat(traffic.from()).isEqualTo(start.plusMillis(1_500 - kept));
        assertThat(traffic.entries().get(0)).contains(traffic.from().toString());
        assertThat(traffic.to()).isEqualTo(start.plusSeconds(5));
        assertThat(traffic.dropped()).isEqualTo(7);
        assertThat(traffic.sources()).containsExactly("ws://127.0.0.1:1/monitor");
        assertThat(traffic).isEqualTo(recorder.trafficNow());
    }

    private static String entry(java.time.Instant at) {
        return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("kind", "message")
                .put("at", at.toString()).put("user_id", "u").put("connection_id", "c").toString();
    }

    @Test
    void keepingThatCannotStartGivesBackWhatWasKeptBefore(@TempDir Path dir) throws Exception {
        java.time.Instant start = java.time.Instant.parse("2026-12-01T10:00:00Z");
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000);
        TrafficRing first = recorder.keepTraffic(start, java.util.List.of("a"), "masked");
        recorder.confirmTraffic(first);
        first.add(start.plusMillis(1), entry(start.plusMillis(1)));
        TrafficRing refused = recorder.keepTraffic(start.plusSeconds(10), java.util.List.of("a"), "masked");
        refused.add(start.plusSeconds(11), entry(start.plusSeconds(11)));
        recorder.abandonTraffic(refused);
        SessionTraffic kept = recorder.trafficNow();
        assertThat(kept.entries()).hasSize(1).allMatch(entry -> entry.contains("10:00:00.001Z"));
        assertThat(kept.to()).as("stopped when the next keeping began").isEqualTo(start.plusSeconds(10));

        TrafficRing again = recorder.keepTraffic(start.plusSeconds(20), java.util.List.of("a"), "masked");
        recorder.confirmTraffic(again);
        assertThat(recorder.trafficNow().entries()).as("afresh").isEmpty();
        Path file = dir.resolve("none.jsonl");
        recorder.save(file);
        assertThat(new ReplayFeed(file).traffic().entries()).isEmpty();
    }
}
