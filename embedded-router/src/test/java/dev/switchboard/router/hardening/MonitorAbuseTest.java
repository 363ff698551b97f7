package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.monitor.MonitorLimits;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue #9, finding 3: a viewer cannot make the router build snapshots without bound, nor hold their bytes. */
@ExtendWith(NoLeakedThreads.class)
class MonitorAbuseTest {
    private static final String SECRET = "monitor-abuse-secret-of-32-bytes-or-more";
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    private Router router;

    @BeforeEach
    void start() {
        router = TestRouters.start(config -> config.jwtSecret(SECRET)
                .socketSendBuffer(8 * 1024).monitorLimits(new MonitorLimits(10, 20, 32 * 1024, 4)));
    }

    @AfterEach
    void stop() {
        router.stop();
    }

    private String viewerToken() {
        return tokens.mint("oncall", Role.VIEWER, Duration.ofMinutes(5));
    }

    @Test
    void aViewerFloodingSnapshotsWithoutReadingIsClosedThenCooledDownAndTheRouterStaysReady() throws Exception {
        try (WsClient bystander = WsClient.connect(router.clientUri(), "bystander");
             RawSocket viewer = RawSocket.upgrade(router.port(), "/monitor?token=" + viewerToken(), 4096)) {
            byte[] snapshot = "{\"type\":\"snapshot\"}".getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < 3_000; i++) {
                    viewer.sendFrame(1, snapshot, true);
                }
            } catch (java.io.IOException e) {
                // closed by the router mid-flood: that is the point
            }
            assertThat(viewer.awaitCloseCode()).isIn(1008, 1013);
            try (RawSocket again = RawSocket.connect(router.port())) {
                again.write(RawSocket.request("/monitor?token=" + viewerToken(), ""));
                assertThat(again.readResponse()).startsWith("HTTP/1.1 429 ").contains("Retry-After: ")
                        .contains("\"reason\":\"cool_down\"");
            }
            URI otherViewer = URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token="
                    + tokens.mint("someone-else", Role.VIEWER, Duration.ofMinutes(5)));
            try (WsClient other = WsClient.open(otherViewer, Map.of(), true)) {
                other.awaitType("monitor_snapshot");
            }
            assertThat(router.isReady()).isTrue();
            assertThat(router.listenerStatus().accepting()).isTrue();
            bystander.assertUsable();
            try (WsClient next = WsClient.connect(router.clientUri(), "next")) {
                next.assertUsable();
            }
        }
    }

    @Test
    void aViewerThatDoesNotReadIsClosedWith1013OnceItsOutboxIsOverTheByteLimit() throws Exception {
        router.stop();
        router = TestRouters.start(config -> config.jwtSecret(SECRET).socketSendBuffer(4096)
                .monitorLimits(new MonitorLimits(100, 200, 4096, 4)));
        try (RawSocket viewer = RawSocket.upgrade(router.port(), "/monitor?token=" + viewerToken(), 4096)) {
            byte[] snapshot = "{\"type\":\"snapshot\",\"message_id\":\"s-1\"}".getBytes(StandardCharsets.UTF_8);
            try {
                for (int i = 0; i < 300; i++) {
                    viewer.sendFrame(1, snapshot, true);
                }
            } catch (java.io.IOException e) {
                // closed by the router mid-way: that is the point
            }
            assertThat(viewer.awaitCloseCode()).isEqualTo(1013);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> router.meterRegistry().scrape()
                .contains("switchboard_monitor_overflow_closed_total 1.0"));
    }

    @Test
    void aUserMayHoldOnlyItsShareOfMonitorConnections() throws Exception {
        router.stop();
        router = TestRouters.start(config -> config.jwtSecret(SECRET).monitorLimits(new MonitorLimits(10, 20, 1 << 20, 2)));
        try (RawSocket first = RawSocket.upgrade(router.port(), "/monitor?token=" + viewerToken());
             RawSocket second = RawSocket.upgrade(router.port(), "/monitor?token=" + viewerToken());
             RawSocket third = RawSocket.connect(router.port())) {
            third.write(RawSocket.request("/monitor?token=" + viewerToken(), ""));
            assertThat(third.readResponse()).startsWith("HTTP/1.1 429 ").contains("\"reason\":\"per_user\"");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (RawSocket again = RawSocket.upgrade(router.port(), "/monitor?token=" + viewerToken())) {
                again.readFrame();
            }
        });
    }

    @Test
    void aViewerOverTheCommandRateGetsRateLimitedWithRetryAfterAndAtMostOneSnapshotInFlight() {
        URI monitor = URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token=" + viewerToken());
        try (WsClient viewer = WsClient.open(monitor, Map.of(), true)) {
            viewer.awaitType("monitor_snapshot");
            for (int i = 0; i < 35; i++) {
                viewer.send(Map.of("type", "snapshot", "message_id", "s-" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> answers(viewer).size() == 35);
            List<JsonNode> answers = answers(viewer);
            long snapshots = answers.stream().filter(a -> a.path("type").asText().equals("command_result")).count();
            List<JsonNode> limited = answers.stream().filter(a -> a.path("code").asText().equals("rate_limited")).toList();

            assertThat(snapshots).isBetween(1L, 25L);
            assertThat(limited).hasSize(35 - (int) snapshots);
            assertThat(viewer.isClosed()).isFalse();
            assertThat(limited).allSatisfy(error -> assertThat(error.path("retry_after_ms").asLong()).isPositive());
            assertThat(router.meterRegistry().scrape()).containsPattern("switchboard_monitor_commands_refused_total [1-9]");
        }
    }

    private static List<JsonNode> answers(WsClient viewer) {
        return viewer.seen().stream().filter(frame -> frame.path("reply_to").asText().startsWith("s-")).toList();
    }
}
