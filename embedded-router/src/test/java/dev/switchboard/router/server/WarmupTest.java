package dev.switchboard.router.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.transport.WarmupLoad;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up before {@code serve} listens: it routes real traffic through a router of its own,
 * and nothing of it leaves that router, whatever the deployed settings hold.
 */
class WarmupTest {

    @Test
    void routesMessagesAndRunsWithoutCallingTheDeployedBackendOrClusterAndWithoutHittingItsLimits(@TempDir Path dir)
            throws Exception {
        AtomicInteger backendRequests = new AtomicInteger();
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            backendRequests.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        backend.start();
        AtomicInteger redisConnections = new AtomicInteger();
        try (ServerSocket redis = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> countConnections(redis, redisConnections), "fake-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            Path yaml = dir.resolve("router.yaml");
            Files.writeString(yaml, """
                    port: 0
                    dev_auth: false
                    rate_limits:
                      messages: {per_minute: 1, burst: 1}
                      connection: {per_minute: 1, burst: 1}
                      liveness: {per_minute: 1, burst: 1}
                    agents:
                      backends:
                        - {name: real, kind: http, url: "http://127.0.0.1:%d/runs"}
                    cluster: {redis: "redis://127.0.0.1:%d", node_id: n1}
                    """.formatted(backend.getAddress().getPort(), redis.getLocalPort()));
            RouterConfig deployed = ConfigFile.read(yaml).applyTo(RouterConfig.builder().build())
                    .jwtSecret("warmup-test-secret-at-least-32-bytes-long").build();

            // Connections that close after two cycles, not the warm-up's 200 messages: whether one
            // closes within the 2 s must not depend on how fast a busy CI machine answers.
            Warmup.Result result = Warmup.run(deployed, Duration.ofSeconds(2), 20, new CountDownLatch(1));

            assertThat(result.messages()).isGreaterThan(WarmupLoad.CONNECTIONS);
            assertThat(result.runs()).isPositive();
            assertThat(result.connections()).as("connections close and others open in their place")
                    .isGreaterThan(WarmupLoad.CONNECTIONS);
            assertThat(result.errors()).isZero();
            assertThat(result.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(backendRequests).hasValue(0);
            assertThat(redisConnections).hasValue(0);
        } finally {
            backend.stop(0);
        }
    }

    @Test
    void keepsWhatDecidesTheCodePathAndChangesWhatWouldLeaveTheWarmup() {
        RouterConfig deployed = RouterConfig.builder().host("0.0.0.0").port(8765).httpPort(8766).devAuth(false)
                .jwtSecret("warmup-test-secret-at-least-32-bytes-long").traceSample(0.25).hardFrameLimit(70_000)
                .build();

        RouterConfig copy = Warmup.privateCopy(deployed, "the-warm-ups-own-secret-of-at-least-32-bytes");

        assertThat(copy.host()).isEqualTo("127.0.0.1");
        assertThat(copy.port()).isZero();
        assertThat(copy.httpPort()).isEqualTo(-1);
        assertThat(copy.devAuth()).as("no one else on the host may connect as anyone").isFalse();
        assertThat(copy.jwtSecret()).isEqualTo("the-warm-ups-own-secret-of-at-least-32-bytes");
        assertThat(copy.cluster()).isNull();
        assertThat(copy.traceSample()).isEqualTo(0.25);
        assertThat(copy.hardFrameLimit()).isEqualTo(70_000);
        assertThat(copy.validation()).isEqualTo(deployed.validation());
        assertThat(copy.queue()).isEqualTo(deployed.queue());
        assertThat(copy.agent().stepDelay()).isZero();
    }

    private static void countConnections(ServerSocket server, AtomicInteger count) {
        while (!server.isClosed()) {
            try (Socket ignored = server.accept()) {
                count.incrementAndGet();
            } catch (IOException closed) {
                return;
            }
        }
    }
}
