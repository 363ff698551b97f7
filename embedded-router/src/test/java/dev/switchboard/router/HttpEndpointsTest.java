package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedThreads.class)
class HttpEndpointsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> get(Router router, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyAnswers503UntilTheAgentHasWarmedUpThen200() throws Exception {
        Router router = Router.builder().config(TestRouters.config()
                .agent(TestRouters.config().build().agent().withWarmUp(Duration.ofMillis(700))).build()).build().start();
        try {
            HttpResponse<String> starting = get(router, "/ready");
            assertThat(starting.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(starting.body()).path("state").asText()).isEqualTo("starting");
            await().atMost(Duration.ofSeconds(5)).until(() -> get(router, "/ready").statusCode() == 200);
            JsonNode ready = JSON.readTree(get(router, "/ready").body());
            assertThat(ready.path("ready").asBoolean()).isTrue();
            assertThat(ready.path("handlers").asInt()).isGreaterThanOrEqualTo(11);
        } finally {
            router.stop();
        }
    }

    @Test
    void healthReportsLivenessAndCounts() throws Exception {
        Router router = TestRouters.start();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            HttpResponse<String> response = get(router, "/health");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode health = JSON.readTree(response.body());
            assertThat(health.path("status").asText()).isEqualTo("up");
            assertThat(health.path("connections").asInt()).isEqualTo(1);
            assertThat(health.path("users").asInt()).isEqualTo(1);
            assertThat(get(router, "/nope").statusCode()).isEqualTo(404);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpPort() + "/health"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(405);
        } finally {
            router.stop();
        }
    }

    @Test
    void metricsShowPerTypeCountsInPrometheusTextWithoutUserIds() throws Exception {
        Router router = TestRouters.start();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice-secret-id")) {
            alice.send(Map.of("type", "ping", "message_id", "1"));
            alice.awaitReply("1");
            alice.send(Map.of("type", "ping", "message_id", "2"));
            alice.awaitReply("2");
            alice.send(Map.of("type", "user_message", "message_id", "3", "payload", Map.of("content", "hi")));
            alice.awaitRun(alice.awaitReply("3").path("run_id").asText());
            alice.send(Map.of("type", "nope", "message_id", "4"));
            alice.awaitReply("4");

            HttpResponse<String> response = get(router, "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            String text = response.body();
            assertThat(text).contains("switchboard_messages_routed_total{type=\"ping\"} 2.0");
            assertThat(text).contains("switchboard_messages_routed_total{type=\"user_message\"} 1.0");
            assertThat(text).contains("switchboard_errors_sent_total{code=\"unknown_type\"} 1.0");
            assertThat(text).contains("switchboard_messages_unhandled_total 1.0");
            assertThat(text).contains("switchboard_runs_ended_total{status=\"completed\"} 1.0");
            assertThat(text).contains("switchboard_connections_active 1.0");
            // histogram buckets, which Prometheus can aggregate across routers (histogram_quantile)
            assertThat(text).contains("# TYPE switchboard_routing_latency_seconds histogram")
                    .containsPattern("switchboard_routing_latency_seconds_bucket\\{le=\"\\+Inf\"} [1-9]")
                    .containsPattern("switchboard_run_duration_seconds_bucket\\{status=\"completed\",le=\"\\+Inf\"} 1");
            assertThat(text).contains("switchboard_ready 1.0");
            assertThat(text).doesNotContain("alice-secret-id");
            assertThat(text.lines().filter(line -> !line.startsWith("#")))
                    .allSatisfy(line -> assertThat(line).startsWith("switchboard_"));
        } finally {
            router.stop();
        }
    }

    /**
     * What a client waits, minus the network: from a frame's arrival to its answer written, queue and
     * handler included; and from a socket accepted to its upgrade answered. Both as histograms, and in
     * the monitor's stats over the last minute.
     */
    @Test
    void answerAndHandshakeTimesAreMeasuredAsAClientWaitsForThem() throws Exception {
        Router router = Router.builder().config(TestRouters.config().build())
                .handler("slow", (context, message) -> {
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    context.reply(dev.switchboard.router.protocol.ServerEvent.builder("slow_done").build());
                }).build().start();
        await().atMost(Duration.ofSeconds(10)).until(router::isReady);
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient bob = WsClient.connect(router.clientUri(), "bob")) {
            alice.send(Map.of("type", "slow", "message_id", "s-1"));
            long sentAt = System.nanoTime();
            alice.awaitReply("s-1");
            long waitedMs = (System.nanoTime() - sentAt) / 1_000_000;
            bob.assertUsable();

            // an answer's time is recorded once the socket took it, which the client may see just before
            await().atMost(Duration.ofSeconds(5)).until(() -> get(router, "/metrics").body()
                    .contains("switchboard_reply_latency_seconds_count 2"));
            String text = get(router, "/metrics").body();
            assertThat(text).contains("# TYPE switchboard_reply_latency_seconds histogram")
                    .contains("switchboard_reply_latency_seconds_count 2")
                    .contains("# TYPE switchboard_handshake_duration_seconds histogram")
                    .contains("switchboard_handshake_duration_seconds_count 2");
            double slowest = router.monitor().snapshot().stats().replyMs("p99");
            assertThat(slowest).as("the slow answer, handler time included").isBetween(140.0, waitedMs * 1.1 + 5); // percentiles from a histogram are approximate
            assertThat(router.monitor().snapshot().stats().handshakeMs()).containsKeys("p50", "p95", "p99");
        } finally {
            router.stop();
        }
    }

    /** The HTTP port is bounded like the WebSocket port: a flood of header lines is refused and probes go on. */
    @Test
    void refusesAnOversizedRequestAndKeepsAnsweringProbes() throws Exception {
        Router router = TestRouters.start();
        try {
            StringBuilder lines = new StringBuilder("GET /health HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 200; i++) {
                lines.append("a").append(i).append(": b\r\n");
            }
            try (dev.switchboard.router.support.RawSocket raw =
                         dev.switchboard.router.support.RawSocket.connect(router.httpPort())) {
                raw.write(lines.append("\r\n").toString());
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 431 ");
            }
            try (dev.switchboard.router.support.RawSocket raw =
                         dev.switchboard.router.support.RawSocket.connect(router.httpPort())) {
                raw.write("GET /health?x=" + "y".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(raw.readResponse()).startsWith("HTTP/1.1 400 ");
            }
            HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + router.httpPort() + "/ready")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(get(router, "/health").statusCode()).isEqualTo(200);
        } finally {
            router.stop();
        }
    }
}
