package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.console.feed.ClusterFeed;
import dev.switchboard.console.feed.EmbeddedCluster;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.FeedSink;
import dev.switchboard.console.feed.RecordingSource;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.support.EmbeddedRedis;
import dev.switchboard.router.support.Monitors;
import dev.switchboard.router.support.TestCluster;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Recorder#of}: whatever a console is attached to can be recorded: the router in its own
 * process without a socket, a router elsewhere with the console's token (a viewer's is refused with
 * {@code forbidden}), every live node of a cluster; a saved session cannot, and says why.
 */
class RecorderSourcesTest {

    @TempDir
    Path dir;

    private static void ping(WsClient user, String id) {
        user.send(Map.of("type", "ping", "message_id", id));
        user.awaitReply(id);
    }

    @Test
    void theRouterInThisProcessIsRecordedWithoutASocketAndAuditedAsTheEmbedder() throws Exception {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build())) {
            Router router = feed.router();
            assertThat(feed.recordingSource()).isEqualTo(new RecordingSource.InProcess(router));
            Recording recording;
            try (Recorder recorder = Recorder.of(feed.recordingSource(), Duration.ofMinutes(1), false, false)) {
                recorder.start().get(10, TimeUnit.SECONDS);
                try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
                     WsClient bob = WsClient.connect(router.clientUri(), "bob")) {
                    ping(alice, "a-1");
                    ping(alice, "a-2");
                    ping(bob, "b-1");
                    alice.send(Map.of("type", "user_message", "message_id", "a-3", "payload",
                            Map.of("content", "a secret recipe")));
                    alice.awaitReply("a-3");
                    Awaitility.await().atMost(Duration.ofSeconds(10))
                            .until(() -> recorder.progress().users() == 2 && recorder.progress().entries() >= 4);
                    // the hub hands each update to its subscribers in turn: the recorder's first
                    CountDownLatch closeTold = new CountDownLatch(1);
                    try (RouterFeed.Subscription watching = router.monitor().subscribe(update -> {
                        if (update.events().stream().anyMatch(event -> event instanceof MonitorEvent.ConnectionClosed)) {
                            closeTold.countDown();
                        }
                    })) {
                        router.monitorCommand(Json.mapper().createObjectNode().put("type", "disconnect_user")
                                .put("user_id", "bob"));
                        bob.awaitClose();
                        assertThat(closeTold.await(10, TimeUnit.SECONDS)).isTrue();
                    }
                }
                assertThat(recorder.progress().nodes()).isEqualTo(1);
                recording = recorder.stop(Duration.ofSeconds(10));
                assertThat(recorder.progress().ended()).isTrue();
            }
            assertThat(recording.users()).extracting(Recording.User::userId).containsExactly("rec-1", "rec-2");
            assertThat(recording.messages()).isEqualTo(4);
            assertThat(recording.dropped()).isZero();
            assertThat(recording.sources()).containsExactly(router.clientUri() + " (in process)");
            assertThat(recording.original().connectionsClosedByRouter()).isEqualTo(1);
            Path file = dir.resolve("here.rec.json");
            recording.write(file, "here");
            assertThat(Files.readString(file)).doesNotContain("secret").doesNotContain("alice");
            assertThat(Scenario.read(file).replay().recording().messages()).isEqualTo(4);
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_operator_actions_total{action=\"record\",outcome=\"done\"} 2.0");
        }
    }

    @Test
    void aViewersTokenIsRefusedWithForbidden() throws Exception {
        Router router = TestRouters.start(config -> config.jwtSecret(Monitors.SECRET).httpPort(-1));
        String viewer = new TokenService(Monitors.SECRET, Clock.systemUTC()).mint("viewer-vi", Role.VIEWER,
                Duration.ofMinutes(5));
        URI monitor = URI.create("ws://127.0.0.1:" + router.port() + "/monitor");
        try (ClusterFeed feed = ClusterFeed.attach(monitor, viewer);
             Recorder recorder = Recorder.of(feed.recordingSource(), Duration.ofMinutes(1), false, false)) {
            assertThat(feed.recordingSource()).isEqualTo(new RecordingSource.Monitors(List.of(monitor), viewer));
            assertThatThrownBy(() -> recorder.start().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(Recorder.Refused.class)
                    .hasMessage(monitor + " refused to record: forbidden: this command needs the operator role")
                    .satisfies(refused -> assertThat(((Recorder.Refused) refused).code()).isEqualTo("forbidden"));
        } finally {
            router.stop();
        }
    }

    @Test
    void everyLiveNodeOfAClusterIsRecorded() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start()) {
            EmbeddedCluster cluster = EmbeddedCluster.start(2, redis.url(), TestCluster.HEARTBEAT, TestCluster.NODE_TTL);
            ClusterFeed feed = cluster.feed();
            try {
                feed.start(FeedSink.of(frame -> { }, status -> { }, picture -> { }));
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> feed.recordingSource()
                        instanceof RecordingSource.Monitors monitors && monitors.monitors().size() == 2);
                List<Router> nodes = cluster.routers();
                Recording recording;
                try (Recorder recorder = Recorder.of(feed.recordingSource(), Duration.ofMinutes(1), true, false)) {
                    recorder.start().get(10, TimeUnit.SECONDS);
                    assertThat(recorder.progress().nodes()).isEqualTo(2);
                    try (WsClient alice = WsClient.connect(nodes.get(0).clientUri(), "alice");
                         WsClient bob = WsClient.connect(nodes.get(1).clientUri(), "bob")) {
                        ping(alice, "a-1");
                        ping(bob, "b-1");
                        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recorder.progress().users() == 2);
                    }
                    recording = recorder.stop(Duration.ofSeconds(10));
                }
                assertThat(recording.users()).extracting(Recording.User::userId)
                        .containsExactlyInAnyOrder("alice", "bob");
                assertThat(recording.sources()).hasSize(2);
            } finally {
                feed.close();
            }
        }
    }

    @Test
    void aSavedSessionHasNothingToRecordAndSaysWhy() throws Exception {
        Path session = Files.writeString(dir.resolve("session.jsonl"), "");
        try (ReplayFeed feed = new ReplayFeed(session)) {
            assertThatThrownBy(() -> Recorder.of(feed.recordingSource(), Duration.ofMinutes(1), false, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a saved session has no router to record");
        }
        try (Router notStarted = Router.builder().config(TestRouters.config().build()).build()) {
            assertThatThrownBy(() -> Recorder.inProcess(notStarted, Duration.ofHours(2), false, false))
                    .hasMessage("duration must be from 1 s to 1 h");
        }
    }
}
