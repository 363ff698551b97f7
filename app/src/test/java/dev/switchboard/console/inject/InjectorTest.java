package dev.switchboard.console.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.RemoteFeed;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.support.TestRouters;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inject engine against real routers: real sockets, the router's own handshake and pipeline. */
class InjectorTest {
    private static final String SECRET = "console-inject-test-secret-32-bytes-plus";
    private static final TokenService TOKENS = new TokenService(SECRET, Clock.systemUTC());
    private static final String PING = "{\"type\":\"ping\",\"message_id\":\"p-1\"}";

    /** Drains the injector until a received frame matches; returns everything drained. */
    private static List<ReceivedFrame> awaitFrame(Injector injector, List<ReceivedFrame> drained,
                                                  Predicate<ReceivedFrame> wanted) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            injector.drainReceived(drained, 100);
            return drained.stream().anyMatch(wanted);
        });
        return drained;
    }

    private static SentMessage awaitSent(Injector injector) {
        List<SentMessage> outcomes = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> injector.drainSent(outcomes, 10) > 0);
        return outcomes.get(0);
    }

    private static List<ConnectionInfo> connectionsOf(Router router, String userId) {
        return router.connections().stream().filter(c -> c.userId().equals(userId)).toList();
    }

    @Test
    void sendsTextThatIsNotJsonAsItIsAndReceivesTheRoutersError() {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             Injector injector = new Injector(feed, Clock.systemUTC())) {
            injector.send("zoe", "{\"type\": \"ping\",");
            List<ReceivedFrame> drained = awaitFrame(injector, new ArrayList<>(), frame -> frame.type().equals("error"));
            assertThat(drained.get(drained.size() - 1).text()).contains("\"code\":\"invalid_json\"");
            assertThat(awaitSent(injector).type()).startsWith("(not valid JSON");
        }
    }

    @Test
    void sendsAPingAsANewUserOverOneReusedConnectionAndReceivesThePong() {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             Injector injector = new Injector(feed, Clock.systemUTC())) {
            injector.send("zoe", PING);
            List<ReceivedFrame> drained = awaitFrame(injector, new ArrayList<>(), frame -> frame.type().equals("pong"));
            assertThat(drained).extracting(ReceivedFrame::type).containsExactly("connection_established", "pong");
            assertThat(drained).allMatch(frame -> frame.userId().equals("zoe"));
            assertThat(drained.get(1).text()).contains("\"reply_to\":\"p-1\"");
            // the pong answers p-1: its round trip is measured, the greeting's is not
            assertThat(drained.get(0).roundTripMs()).isNull();
            assertThat(drained.get(1).roundTripMs()).isPositive().isLessThan(10_000.0);
            assertThat(drained.get(1).roundTrip()).endsWith(" ms");
            SentMessage sent = awaitSent(injector);
            assertThat(sent.sent()).isTrue();
            assertThat(sent.type()).isEqualTo("ping");
            assertThat(sent.text()).isEqualTo(PING);

            ConnectionState open = injector.state("zoe");
            assertThat(open.phase()).isEqualTo(ConnectionState.Phase.OPEN);
            assertThat(connectionsOf(feed.router(), "zoe")).singleElement()
                    .extracting(ConnectionInfo::connectionId).isEqualTo(open.connectionId());

            injector.send("zoe", "{\"type\":\"heartbeat\",\"message_id\":\"h-1\"}");
            awaitFrame(injector, new ArrayList<>(), frame -> frame.type().equals("heartbeat_ack"));
            assertThat(connectionsOf(feed.router(), "zoe")).hasSize(1);
            assertThat(injector.state("zoe").connectionId()).isEqualTo(open.connectionId());
        }
    }

    @Test
    void showsTheCloseCodeAndReasonAndReconnectsOnTheNextSend() {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             Injector injector = new Injector(feed, Clock.systemUTC())) {
            injector.send("zoe", PING);
            awaitFrame(injector, new ArrayList<>(), frame -> frame.type().equals("pong"));
            String first = injector.state("zoe").connectionId();

            feed.router().monitorCommand(JsonNodeFactory.instance.objectNode().put("type", "disconnect_user")
                    .put("user_id", "zoe"));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> injector.state("zoe").phase() == ConnectionState.Phase.CLOSED);
            assertThat(injector.state("zoe").closeCode()).isEqualTo(1000);
            assertThat(injector.state("zoe").describe()).isEqualTo("closed 1000 (disconnected by an operator)");

            injector.send("zoe", PING);
            awaitFrame(injector, new ArrayList<>(), frame -> frame.type().equals("pong"));
            assertThat(injector.state("zoe").phase()).isEqualTo(ConnectionState.Phase.OPEN);
            assertThat(injector.state("zoe").connectionId()).isNotEqualTo(first);

            injector.close("zoe");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> injector.state("zoe").phase() == ConnectionState.Phase.CLOSED);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connectionsOf(feed.router(), "zoe").isEmpty());
        }
    }

    @Test
    void remotelyAnOperatorInjectsWithAnIssuedTokenOnARouterWithoutDevAuth() {
        try (Router router = TestRouters.start(config -> config.httpPort(-1).jwtSecret(SECRET).devAuth(false));
             RemoteFeed feed = new RemoteFeed(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"),
                     TOKENS.mint("oncall", Role.OPERATOR, Duration.ofMinutes(5)));
             Injector injector = new Injector(feed, Clock.systemUTC())) {
            awaitConnected(feed);
            injector.send("alice", PING);
            List<ReceivedFrame> drained = awaitFrame(injector, new ArrayList<>(), frame -> frame.type().equals("pong"));
            assertThat(drained.get(0).text()).contains("\"user_id\":\"alice\"");
            assertThat(connectionsOf(router, "alice")).hasSize(1);
        }
    }

    @Test
    void remotelyAViewerCannotInjectAndIsToldWhy() {
        try (Router router = TestRouters.start(config -> config.httpPort(-1).jwtSecret(SECRET));
             RemoteFeed feed = new RemoteFeed(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"),
                     TOKENS.mint("oncall", Role.VIEWER, Duration.ofMinutes(5)));
             Injector injector = new Injector(feed, Clock.systemUTC())) {
            awaitConnected(feed);
            injector.send("alice", PING);
            SentMessage refused = awaitSent(injector);
            assertThat(refused.sent()).isFalse();
            assertThat(refused.failure()).isEqualTo("the router refused: forbidden (this command needs the operator role)");
            // the failed send is handed over a moment before the connection's listener marks it failed
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> injector.state("alice").phase()
                    == ConnectionState.Phase.FAILED);
            assertThat(connectionsOf(router, "alice")).isEmpty();
        }
    }

    @Test
    void aSavedSessionCannotInject(@TempDir Path dir) throws IOException {
        Path session = Files.writeString(dir.resolve("s.jsonl"), "{\"type\":\"monitor_snapshot\"}\n");
        ReplayFeed feed = new ReplayFeed(session);
        try (Injector injector = new Injector(feed, Clock.systemUTC())) {
            assertThat(feed.injectionUnavailable()).isEqualTo("a saved session has no router to send to");
            injector.send("alice", PING);
            assertThat(awaitSent(injector).failure()).isEqualTo("a saved session has no router to send to");
        }
    }

    @Test
    void whenNobodyDrainsTheOldestFramesGoAndAreCounted() {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             Injector injector = new Injector(feed::userEndpoint, Clock.systemUTC(), 2)) {
            for (int i = 1; i <= 5; i++) {
                injector.send("zoe", "{\"type\":\"ping\",\"message_id\":\"p-" + i + "\"}");
            }
            // connection_established and five pongs into a buffer of two
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> injector.droppedFrames() == 4);
            List<ReceivedFrame> kept = new ArrayList<>();
            injector.drainReceived(kept, 10);
            assertThat(kept).extracting(frame -> frame.text().replaceAll(".*\"reply_to\":\"(p-\\d)\".*", "$1"))
                    .containsExactly("p-4", "p-5");
        }
    }

    @Test
    void anInvalidUserIdIsRefusedBeforeAnythingConnects() {
        AtomicReference<String> asked = new AtomicReference<>();
        try (Injector injector = new Injector(user -> {
            asked.set(user);
            throw new AssertionError("must not ask");
        }, Clock.systemUTC(), 10)) {
            injector.send("not a user", PING);
            assertThat(awaitSent(injector).failure()).isEqualTo("not a valid user id: not a user");
            assertThat(asked.get()).isNull();
        }
    }

    @Test
    void aFeedThatFailsAtOnceFailsTheSendNotTheCaller() {
        try (Injector injector = new Injector(user -> {
            throw new IllegalStateException("not connected");
        }, Clock.systemUTC(), 10)) {
            injector.send("zoe", PING);
            assertThat(awaitSent(injector).failure()).isEqualTo("not connected");
            assertThat(injector.state("zoe").describe()).isEqualTo("failed: not connected");
        }
    }

    private static void awaitConnected(RemoteFeed feed) {
        List<FeedStatus> statuses = new CopyOnWriteArrayList<>();
        feed.start(document -> { }, statuses::add);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> statuses.stream()
                .anyMatch(status -> status.state() == FeedStatus.State.CONNECTED));
    }
}
