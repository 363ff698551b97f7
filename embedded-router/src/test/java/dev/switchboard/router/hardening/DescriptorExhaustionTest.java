package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.router.server.Main;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9, finding 1, reproduced as it was found: the standalone router in its own process, started
 * with a low open-files limit ({@code ulimit -n}), flooded with raw TCP connections that never send a
 * handshake.
 */
class DescriptorExhaustionTest {
    private static final int OPEN_FILES = 256;
    private static final int FLOOD = 400;
    private static final Pattern WS_PORT = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/ws");
    private static final Pattern HTTP_PORT = Pattern.compile("Health and metrics on http://127\\.0\\.0\\.1:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** A router process and its ports. */
    private record Served(Process process, Path log, int wsPort, int httpPort) implements AutoCloseable {
        String output() throws IOException {
            return Files.readString(log);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Served serve(Path dir, String... flags) throws Exception {
        Path log = dir.resolve("router.log");
        String command = "ulimit -n " + OPEN_FILES + " && exec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -Xmx256m -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName()
                + " serve --dev-auth --port 0 --http-port 0 " + String.join(" ", flags);
        Process process = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        int[] ports = new int[2];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String output = Files.readString(log);
            Matcher ws = WS_PORT.matcher(output);
            Matcher http = HTTP_PORT.matcher(output);
            if (!process.isAlive()) {
                throw new AssertionError("the router exited: " + output);
            }
            if (ws.find() && http.find()) {
                ports[0] = Integer.parseInt(ws.group(1));
                ports[1] = Integer.parseInt(http.group(1));
                return true;
            }
            return false;
        });
        return new Served(process, log, ports[0], ports[1]);
    }

    /** The status of {@code path}, or -1 when the router could not even answer. */
    private static int status(int httpPort, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String get(int httpPort, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static List<RawSocket> flood(int port) throws IOException {
        List<RawSocket> sockets = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            try {
                sockets.add(RawSocket.connect(port));
            } catch (IOException e) {
                // the backlog is full: the flood is as large as it gets
            }
        }
        return sockets;
    }

    /** A client that retries, as real ones do, opens a usable connection within 5 s. */
    private static void aRealClientGetsThrough(int wsPort) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    try (WsClient alice = WsClient.connect(URI.create("ws://127.0.0.1:" + wsPort + "/ws"), "alice")) {
                        alice.assertUsable();
                        return true;
                    }
                });
    }

    private static void closeAll(List<RawSocket> sockets) throws IOException {
        for (RawSocket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void withItsDefaultCapsTheRouterNeverRunsOutOfDescriptorsAndStaysReady(@TempDir Path dir) throws Exception {
        try (Served router = serve(dir)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> status(router.httpPort(), "/ready") == 200);
            List<RawSocket> sockets = flood(router.wsPort());
            try {
                assertThat(status(router.httpPort(), "/ready")).isEqualTo(200);
                // the I/O threads accept the flood from the backlog after the connects return: the
                // evictions come as they do (read at once, it was 0 on a busy CI machine)
                Pattern evicted = Pattern.compile(
                        "switchboard_handshakes_rejected_total\\{reason=\"evicted\"} [1-9]");
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> evicted.matcher(get(router.httpPort(), "/metrics")).find());
                String metrics = get(router.httpPort(), "/metrics");
                assertThat(metrics).contains("switchboard_accept_failures_total 0.0")
                        .contains("switchboard_listener_accepting 1.0");
            } finally {
                closeAll(sockets);
            }
            // the I/O threads may still be closing the flood's sockets: a real client retrying gets through
            aRealClientGetsThrough(router.wsPort());
            assertThat(router.output()).doesNotContain("cannot accept connections");
        }
    }

    @Test
    void aRealClientGetsThroughWhileHalfOpenSocketsFloodThePendingLimit(@TempDir Path dir) throws Exception {
        try (Served router = serve(dir)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> status(router.httpPort(), "/ready") == 200);
            List<RawSocket> sockets = flood(router.wsPort());
            try {
                // while the I/O threads still close the sockets the flood had evicted, a new socket may be
                // closed at once (the descriptor guard); a real client retrying gets through within seconds,
                // the half-open sockets still open
                aRealClientGetsThrough(router.wsPort());
            } finally {
                closeAll(sockets);
            }
        }
    }

    @Test
    void withCapsAboveTheLimitTheListenerSurvivesRunningOutAndResumes(@TempDir Path dir) throws Exception {
        try (Served router = serve(dir, "--max-connections", "5000", "--max-pending-handshakes", "5000",
                "--handshake-timeout", "120s")) {
            await().atMost(Duration.ofSeconds(15)).until(() -> status(router.httpPort(), "/ready") == 200);
            List<RawSocket> sockets = flood(router.wsPort());
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> router.output().contains("cannot accept connections"));
                assertThat(status(router.httpPort(), "/ready")).isNotEqualTo(200);
            } finally {
                closeAll(sockets);
            }
            // the flood's sockets are still being closed for a moment: an accept may fail once more, and
            // /ready and /health follow the listener, so both are awaited together
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String health = get(router.httpPort(), "/health");
                return status(router.httpPort(), "/ready") == 200 && health.contains("\"status\":\"up\"")
                        && health.contains("\"state\":\"listening\"");
            });
            try (WsClient alice = WsClient.connect(URI.create("ws://127.0.0.1:" + router.wsPort() + "/ws"), "alice")) {
                alice.assertUsable();
            }
            String output = router.output();
            assertThat(output.split("cannot accept connections", -1)).hasSize(2);
            assertThat(output).contains("accepting connections again");
            assertThat(get(router.httpPort(), "/metrics")).containsPattern("switchboard_accept_failures_total [1-9]");
        }
    }
}
