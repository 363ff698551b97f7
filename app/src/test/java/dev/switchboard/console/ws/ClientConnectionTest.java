package dev.switchboard.console.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.console.bench.EchoServer;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.TestRouters;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The console's one client connection, against the bench's echo server and a real router on loopback. */
class ClientConnectionTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final Recording recording = new Recording();

    /** What the listener saw. */
    private static final class Recording implements ClientConnection.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<ClientConnection.Down> downs = new CopyOnWriteArrayList<>();
        final AtomicInteger opens = new AtomicInteger();
        final AtomicInteger reconnects = new AtomicInteger();

        @Override
        public void onOpen() {
            opens.incrementAndGet();
        }

        @Override
        public void onText(String text) {
            texts.add(text);
        }

        @Override
        public void onDown(ClientConnection.Down down) {
            downs.add(down);
        }

        @Override
        public void onReconnect() {
            reconnects.incrementAndGet();
        }
    }

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private static URI echoUri(EchoServer echo) {
        return URI.create("ws://127.0.0.1:" + echo.getPort() + "/");
    }

    private static ClientConnection.Target user(Router router, String user) {
        return new ClientConnection.Target(URI.create(router.clientUri() + "?user=" + user), null);
    }

    @Test
    void sendsOverlappingSendsOneAtATimeInTheOrderAsked() throws Exception {
        EchoServer echo = new EchoServer().startAndWait();
        ClientConnection connection = ClientConnection.builder(client).listener(recording).build();
        try {
            // asked before the connection is open: these wait for it
            List<CompletableFuture<Void>> sends = new java.util.ArrayList<>();
            connection.open(new ClientConnection.Target(echoUri(echo), null));
            for (int i = 0; i < 200; i++) {
                sends.add(connection.send("m" + i));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            // and from many threads at once: none is refused for overlapping another
            List<CompletableFuture<Void>> parallel = IntStream.range(0, 100).parallel()
                    .mapToObj(i -> connection.send("p" + i)).toList();
            CompletableFuture.allOf(parallel.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recording.texts.size() == 300);
            assertThat(recording.texts.subList(0, 200))
                    .containsExactlyElementsOf(IntStream.range(0, 200).mapToObj(i -> "m" + i).toList());
        } finally {
            connection.abort();
            echo.shutdown();
        }
    }

    @Test
    void handsOnAMessageTheClientReceivedInPartsAsOneWholeMessage() throws Exception {
        EchoServer echo = new EchoServer().startAndWait();
        ClientConnection connection = ClientConnection.builder(client).listener(recording).build();
        try {
            connection.open(new ClientConnection.Target(echoUri(echo), null)).get(10, TimeUnit.SECONDS);
            String large = "x".repeat(300_000) + "end";
            connection.send(large).get(10, TimeUnit.SECONDS);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !recording.texts.isEmpty());
            assertThat(recording.texts).containsExactly(large);
        } finally {
            connection.abort();
            echo.shutdown();
        }
    }

    @Test
    void reconnectsWithBackoffWhenTheRouterComesBackAndSendsAgain() throws Exception {
        Router first = TestRouters.start(config -> config.httpPort(-1));
        int port = first.port();
        Router second = null;
        ClientConnection connection = ClientConnection.builder(client).listener(recording)
                .reconnect(Duration.ofMillis(50), Duration.ofMillis(400), scheduler, down -> true).build();
        try {
            connection.open(user(first, "alice")).get(10, TimeUnit.SECONDS);
            assertThat(connection.isOpen()).isTrue();

            first.stop();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !recording.downs.isEmpty());
            assertThat(connection.isOpen()).isFalse();
            assertThatThrownBy(() -> connection.send("{\"type\":\"ping\"}").get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);

            second = TestRouters.start(config -> config.port(port).httpPort(-1));
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> recording.opens.get() == 2);
            assertThat(recording.reconnects.get()).isPositive();
            connection.send("{\"type\":\"ping\",\"message_id\":\"again\"}").get(5, TimeUnit.SECONDS);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> recording.texts.stream().anyMatch(text -> text.contains("\"again\"")));
        } finally {
            connection.abort();
            first.stop();
            if (second != null) {
                second.stop();
            }
        }
    }

    @Test
    void aReconnectAsksForItsTargetAgainSoAnExpiredTokenIsReplaced() throws Exception {
        String secret = "client-connection-test-secret-of-32-bytes";
        TokenService tokens = new TokenService(secret, Clock.systemUTC());
        Router first = TestRouters.start(config -> config.httpPort(-1).devAuth(false).jwtSecret(secret));
        int port = first.port();
        Router second = null;
        AtomicInteger renewals = new AtomicInteger();
        ClientConnection connection = ClientConnection.builder(client).listener(recording)
                .reconnect(Duration.ofMillis(50), Duration.ofMillis(400), scheduler, down -> true).build()
                .renewTargetWith(last -> {
                    renewals.incrementAndGet();
                    return new ClientConnection.Target(last.uri(), tokens.mint("renewed", Role.USER,
                            Duration.ofMinutes(5)));
                });
        try {
            connection.open(new ClientConnection.Target(first.clientUri(), tokens.mint("alice", Role.USER,
                    Duration.ofMinutes(5)))).get(10, TimeUnit.SECONDS);
            first.stop();
            second = TestRouters.start(config -> config.port(port).httpPort(-1).devAuth(false).jwtSecret(secret));
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> recording.opens.get() == 2);
            assertThat(renewals.get()).isPositive();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> recording.texts.stream()
                    .anyMatch(text -> text.contains("connection_established") && text.contains("\"renewed\"")));
        } finally {
            connection.abort();
            first.stop();
            if (second != null) {
                second.stop();
            }
        }
    }

    @Test
    void closeEndsTheConnectionWithTheRoutersCloseAndNeverReconnects() throws Exception {
        Router router = TestRouters.start(config -> config.httpPort(-1));
        ClientConnection connection = ClientConnection.builder(client).listener(recording)
                .reconnect(Duration.ofMillis(10), Duration.ofMillis(10), scheduler, down -> true).build();
        try {
            connection.open(user(router, "bob")).get(10, TimeUnit.SECONDS);
            connection.close("done").get(5, TimeUnit.SECONDS);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !recording.downs.isEmpty());
            assertThat(recording.downs.get(0).cause()).isEqualTo(ClientConnection.Cause.CLOSED);
            assertThat(recording.downs.get(0).statusCode()).isEqualTo(1000);
            assertThat(connection.isEnded()).isTrue();
            assertThat(scheduler.getQueue()).as("no reconnect scheduled").isEmpty();
        } finally {
            connection.abort();
            router.stop();
        }
    }

    @Test
    void aFailedConnectFailsTheSendsWaitingForItAndIsDescribedInWords() {
        ClientConnection connection = ClientConnection.builder(client).listener(recording).build();
        CompletableFuture<Void> opening = connection.open(new ClientConnection.Target(URI.create("ws://127.0.0.1:1/ws"), null));
        CompletableFuture<Void> waiting = connection.send("hello");

        assertThatThrownBy(() -> opening.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(recording.downs).singleElement()
                .satisfies(down -> assertThat(down.cause()).isEqualTo(ClientConnection.Cause.CONNECT_FAILED));
        assertThat(connection.describe(recording.downs.get(0).failure())).startsWith("cannot connect");
    }

    @Test
    void aThrowingListenerDoesNotStopTheMessagesAfter() throws Exception {
        EchoServer echo = new EchoServer().startAndWait();
        List<String> seen = new CopyOnWriteArrayList<>();
        ClientConnection connection = ClientConnection.builder(client).listener(text -> {
            seen.add(text);
            throw new IllegalStateException("a bug in an observer");
        }).build();
        try {
            connection.open(new ClientConnection.Target(echoUri(echo), null)).get(10, TimeUnit.SECONDS);
            connection.send("one");
            connection.send("two").get(5, TimeUnit.SECONDS);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            assertThat(seen).containsExactly("one", "two");
            assertThat(connection.isOpen()).isTrue();
        } finally {
            connection.abort();
            echo.shutdown();
        }
    }

    @Test
    void aSendPastTheBoundFailsAtOnce() {
        ClientConnection connection = ClientConnection.builder(client).maxQueuedSends(2).listener(recording).build();
        // not opened yet: the first two wait for the connection, the third is one too many
        CompletableFuture<Void> first = connection.send("a");
        connection.send("b");
        assertThatThrownBy(() -> connection.send("c").getNow(null)).hasMessageContaining("waiting to be sent");

        connection.abort();
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasMessageContaining("closed");
    }
}
