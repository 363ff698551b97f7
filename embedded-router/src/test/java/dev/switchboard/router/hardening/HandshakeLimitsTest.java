package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.router.Router;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue #9, finding 2: what an unauthenticated socket can make the router hold before it upgrades. */
@ExtendWith(NoLeakedThreads.class)
class HandshakeLimitsTest {
    private static Router router;

    @BeforeAll
    static void start() {
        router = TestRouters.start(config -> config.handshakeTimeout(Duration.ofMillis(800)));
    }

    @AfterAll
    static void stop() {
        router.stop();
    }

    @Test
    void refusesAFourMebibyteHeaderWith431WhileOtherClientsStayFast() throws Exception {
        try (WsClient bystander = WsClient.connect(router.clientUri(), "bystander");
             RawSocket attacker = RawSocket.connect(router.port())) {
            String head = "GET /ws?user=mallory HTTP/1.1\r\nHost: x\r\nX-Flood: ";
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return attacker.readResponse();
                } catch (IOException e) {
                    return "no answer: " + e;
                }
            });
            attacker.write(head);
            byte[] chunk = "a".repeat(64 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            try {
                for (int sent = 0; sent < 4 * 1024 * 1024; sent += chunk.length) {
                    attacker.write(chunk);
                }
            } catch (IOException e) {
                // the router may stop reading once it has answered: what matters is what the attacker read
            }

            assertThat(answer.get()).startsWith("HTTP/1.1 431 ").contains("\"reason\":\"headers_too_large\"");
            long started = System.nanoTime();
            bystander.assertUsable();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(router.transportStats().handshakesRejected("headers_too_large")).isPositive();
    }

    @Test
    void refusesAUrlOverTheRequestLineLimitWith414() throws IOException {
        try (RawSocket attacker = RawSocket.connect(router.port())) {
            attacker.write(RawSocket.request("/ws?user=mallory&pad=" + "p".repeat(9_000), ""));
            assertThat(attacker.readResponse()).startsWith("HTTP/1.1 414 ").contains("uri_too_long");
        }
    }

    @Test
    void closesHalfOpenHandshakesWhenTheHandshakeTimeoutRunsOut() throws IOException {
        long before = router.transportStats().handshakesRejected("timeout");
        List<RawSocket> halfOpen = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                RawSocket socket = RawSocket.connect(router.port());
                socket.write(i % 2 == 0 ? "" : "GET /ws?user=slow HTTP/1.1\r\nHost: x\r\n");
                halfOpen.add(socket);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> router.transportStats().handshakesRejected("timeout")
                    - before >= 200);
            for (RawSocket socket : halfOpen) {
                socket.readTimeout(5_000);
                assertThat(socket.isClosedByServer()).isTrue();
            }
        } finally {
            for (RawSocket socket : halfOpen) {
                socket.close();
            }
        }
        try (WsClient after = WsClient.connect(router.clientUri(), "after")) {
            after.assertUsable();
        }
    }

    @Test
    void refusesARequestThatIsNotAWebSocketUpgrade() throws IOException {
        try (RawSocket plain = RawSocket.connect(router.port())) {
            plain.write("GET /ws?user=curious HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(plain.readResponse()).startsWith("HTTP/1.1 426 ").containsIgnoringCase("upgrade: websocket");
        }
        try (RawSocket post = RawSocket.connect(router.port())) {
            post.write("POST /ws?user=curious HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(post.readResponse()).startsWith("HTTP/1.1 400 ");
        }
    }

    @Test
    void refusesAHeadOfManyShortHeaderLinesWith431BeforeItCostsTheHeap() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            lines.append("a").append(i).append(": b\r\n");
        }
        try (RawSocket attacker = RawSocket.connect(router.port())) {
            attacker.write(RawSocket.request("/ws?user=mallory", lines.toString()));
            assertThat(attacker.readResponse()).startsWith("HTTP/1.1 431 ").contains("header lines");
        }
    }

    @Test
    void refusesAnUpgradeWithoutHttp11OrHost() throws IOException {
        try (RawSocket old = RawSocket.connect(router.port())) {
            old.write(RawSocket.request("/ws?user=old", "").replace("HTTP/1.1", "HTTP/1.0"));
            assertThat(old.readResponse()).startsWith("HTTP/1.1 400 ").contains("HTTP/1.1 and a Host header");
        }
        try (RawSocket hostless = RawSocket.connect(router.port())) {
            hostless.write(RawSocket.request("/ws?user=hostless", "").replace("Host: 127.0.0.1\r\n", ""));
            assertThat(hostless.readResponse()).startsWith("HTTP/1.1 400 ");
        }
    }
}
