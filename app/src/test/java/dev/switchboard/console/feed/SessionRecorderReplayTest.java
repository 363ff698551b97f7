package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.RunRow;
import dev.switchboard.console.ui.ConsoleViewModels;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            ConsoleViewModels liveModels = ConsoleViewModels.attach(live, feed, Runnable::run);
            feed.start(document -> {
                recorder.accept(document);
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
            int lines = recorder.save(file);
            assertThat(lines).isGreaterThan(1);
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
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.time.Instant start = java.time.Instant.parse("2026-12-01T10:00:00Z");
        String one = json.createObjectNode().put("kind", "message").put("at", start.toString()).put("user_id", "u")
                .put("connection_id", "c").toString();
        // room for about 1,200 entries of this size
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000, one.length() * 1_200L);
        recorder.traffic(json.readTree(one)); // not kept: keeping has not started
        assertThat(recorder.trafficEntries()).isZero();
        recorder.keepTraffic(start, java.util.List.of("ws://127.0.0.1:1/monitor"), "masked");
        for (int i = 0; i < 1_500; i++) {
            recorder.traffic(json.createObjectNode().put("kind", "message").put("at", start.plusMillis(i).toString())
                    .put("user_id", "u").put("connection_id", "c"));
        }
        assertThat(recorder.trafficEntries()).isBetween(1_100, 1_200);
        recorder.trafficDropped(7);
        recorder.trafficStopped(start.plusSeconds(2));
        recorder.traffic(json.readTree(one)); // after the stop: not kept
        int kept = recorder.trafficEntries();

        Path file = dir.resolve("traffic.jsonl");
        int lines = recorder.save(file);
        java.util.List<String> written = Files.readAllLines(file);
        assertThat(lines).isEqualTo(written.size()).isEqualTo((kept + 499) / 500);
        SessionTraffic traffic = new ReplayFeed(file).traffic();
        assertThat(traffic.entries()).hasSize(kept);
        assertThat(traffic.trimmed()).isEqualTo(1_500 - kept);
        // the oldest went: what is kept begins at its first entry
        assertThat(traffic.from()).isEqualTo(start.plusMillis(1_500 - kept));
        assertThat(traffic.entries().get(0).path("at").asText()).isEqualTo(traffic.from().toString());
        assertThat(traffic.to()).isEqualTo(start.plusSeconds(2));
        assertThat(traffic.dropped()).isEqualTo(7);
        assertThat(traffic.sources()).containsExactly("ws://127.0.0.1:1/monitor");
        assertThat(traffic).isEqualTo(recorder.trafficNow());
    }
}
