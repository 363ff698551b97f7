package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.ConsoleViewModels;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The remote feed against a router started separately, as the console uses it. */
class RemoteFeedTest {
    private static final String SECRET = "console-remote-test-secret-32-bytes-plus";
    private static final TokenService TOKENS = new TokenService(SECRET, Clock.systemUTC());

    private static Router router(int port) {
        return TestRouters.start(config -> config.port(port).httpPort(-1).jwtSecret(SECRET));
    }

    private static URI monitor(Router router) {
        return URI.create("ws://127.0.0.1:" + router.port() + "/monitor");
    }

    private static void awaitState(ConsoleState state, java.util.function.BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            state.applyPending();
            return condition.getAsBoolean();
        });
    }

    @Test
    void aViewerSeesWhatTheEmbeddedConsoleSeesButCannotDisconnect() throws Exception {
        Router router = router(0);
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        try (RemoteFeed feed = new RemoteFeed(monitor(router), TOKENS.mint("oncall", Role.VIEWER, Duration.ofMinutes(5)));
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            ConsoleViewModels models = ConsoleViewModels.attach(state, feed, Runnable::run);
            feed.start(state::offer, state::offerStatus);
            // events before the feed attaches are not replayed (the snapshot has the runs, not their events)
            awaitState(state, () -> state.statusProperty().get() != null
                    && state.statusProperty().get().state() == FeedStatus.State.CONNECTED && models.connections().connections().size() == 1);
            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            String runId = alice.awaitReply("m").path("run_id").asText();
            awaitState(state, () -> models.runs().runs().stream().anyMatch(run -> run.runId().equals(runId)
                    && run.statusProperty().get().equals("completed") && run.timeline().size() == 6));
            assertThat(models.connections().connections()).extracting(ConnectionRow::userId).containsExactly("alice");
            assertThat(state.statusProperty().get().state()).isEqualTo(FeedStatus.State.CONNECTED);

            ObjectNode disconnect = JsonNodeFactory.instance.objectNode().put("type", "disconnect_user")
                    .put("user_id", "alice");
            ObjectNode reply = feed.command(disconnect).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(reply.path("code").asText()).isEqualTo("forbidden");
            alice.assertUsable();
        } finally {
            router.stop();
        }
    }

    @Test
    void survivesTheRouterRestartingAndResyncsFromAFreshSnapshot() {
        Router first = router(0);
        int port = first.port();
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        Router second = null;
        try (RemoteFeed feed = new RemoteFeed(monitor(first), TOKENS.mint("oncall", Role.OPERATOR, Duration.ofMinutes(5)))) {
            WsClient alice = WsClient.connect(first.clientUri(), "alice");
            ConsoleViewModels models = ConsoleViewModels.attach(state, feed, Runnable::run);
            feed.start(state::offer, state::offerStatus);
            awaitState(state, () -> models.connections().connections().size() == 1);

            first.stop();
            alice.close();
            awaitState(state, () -> state.statusProperty().get().state() == FeedStatus.State.RECONNECTING);

            second = router(port);
            try (WsClient bob = WsClient.connect(second.clientUri(), "bob")) {
                awaitState(state, () -> state.statusProperty().get().state() == FeedStatus.State.CONNECTED
                        && models.connections().connections().size() == 1 && models.connections().connections().get(0).userId().equals("bob"));
            }
        } finally {
            first.stop();
            if (second != null) {
                second.stop();
            }
        }
    }

    @Test
    void aRefusedTokenIsReportedAsSuchAndAnotherTokenConnects() {
        Router router = router(0);
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        try (RemoteFeed feed = new RemoteFeed(monitor(router), TOKENS.mint("alice", Role.USER, Duration.ofMinutes(5)))) {
            feed.start(state::offer, state::offerStatus);
            awaitState(state, () -> state.statusProperty().get() != null
                    && state.statusProperty().get().state() == FeedStatus.State.REFUSED);
            assertThat(state.statusProperty().get().detail()).contains("403");

            assertThat(feed.useToken(TOKENS.mint("oncall", Role.VIEWER, Duration.ofMinutes(5)))).isTrue();

            awaitState(state, () -> state.statusProperty().get().state() == FeedStatus.State.CONNECTED);
        } finally {
            router.stop();
        }
    }

    /** The JDK client refuses overlapping sends: commands fired at once must all be sent, in turn, and answered. */
    @Test
    void aHundredCommandsFiredAtOnceAreAllAnswered() throws Exception {
        Router router = TestRouters.start(config -> config.port(0).httpPort(-1).jwtSecret(SECRET)
                .monitorLimits(new dev.switchboard.router.monitor.MonitorLimits(1_000, 200, 64L << 20, 4)));
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        try (RemoteFeed feed = new RemoteFeed(monitor(router), TOKENS.mint("oncall", Role.OPERATOR, Duration.ofMinutes(5)))) {
            feed.start(state::offer, state::offerStatus);
            awaitState(state, () -> state.statusProperty().get() != null
                    && state.statusProperty().get().state() == FeedStatus.State.CONNECTED);
            java.util.List<java.util.concurrent.CompletableFuture<ObjectNode>> replies =
                    java.util.stream.IntStream.range(0, 100).parallel()
                            .mapToObj(i -> feed.command(JsonNodeFactory.instance.objectNode()
                                    .put("type", "disconnect_user").put("user_id", "nobody-" + i)).toCompletableFuture())
                            .collect(java.util.stream.Collectors.toList());

            java.util.concurrent.CompletableFuture.allOf(replies.toArray(new java.util.concurrent.CompletableFuture[0]))
                    .get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(replies).allSatisfy(reply ->
                    assertThat(reply.get().path("type").asText()).isEqualTo("command_result"));
        } finally {
            router.stop();
        }
    }
}
