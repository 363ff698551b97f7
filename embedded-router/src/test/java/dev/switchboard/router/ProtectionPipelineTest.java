package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The protection pipeline as a client sees it: validation, classification, rate limits, the queue. */
@ExtendWith(NoLeakedThreads.class)
class ProtectionPipelineTest {

    private static final RateLimitPolicy GENEROUS = new RateLimitPolicy(new RateLimit(100_000, 5_000),
            new RateLimit(100_000, 5_000), new RateLimit(100_000, 5_000), Map.of());

    /** A handler that does about a millisecond of real work, so a queue can build up. */
    private static void registerBusyHandler(Router router) {
        router.registerHandler("crunch", (context, message) -> {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] data = new byte[4096];
            for (int i = 0; i < 100; i++) {
                data = java.util.Arrays.copyOf(digest.digest(data), 4096);
            }
            context.reply(ServerEvent.of("crunched"));
        });
    }

    private static double metric(Router router, String name, String tag, String value) {
        return router.meterRegistry().get(name).tag(tag, value).functionCounter().count();
    }

    @Test
    void refusesMarkupControlCharactersAndOversizedFieldsWithCountedReasons() {
        Router router = TestRouters.start();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "user_message", "message_id", "m-1",
                    "payload", Map.of("content", "<script>steal()</script>")));
            JsonNode markup = alice.awaitReply("m-1");
            assertThat(markup.path("code").asText()).isEqualTo("invalid_message");
            assertThat(markup.toString()).doesNotContain("steal");

            alice.send(Map.of("type", "user_message", "message_id", "m-2", "payload", Map.of("content", "a\u0000b")));
            assertThat(alice.awaitReply("m-2").path("code").asText()).isEqualTo("invalid_message");

            alice.send(Map.of("type", "user_message", "message_id", "m-3",
                    "payload", Map.of("content", "y".repeat(20_000))));
            assertThat(alice.awaitReply("m-3").path("code").asText()).isEqualTo("too_large");

            alice.send(Map.of("type", "start_agent", "message_id", "m-4", "payload", Map.of("content", "x", "tools", 7)));
            assertThat(alice.awaitReply("m-4").path("code").asText()).isEqualTo("invalid_message");
            alice.assertUsable();
        } finally {
            router.stop();
        }
        assertThat(metric(router, "switchboard.validation.rejected", "reason", "markup")).isEqualTo(1.0);
        assertThat(metric(router, "switchboard.validation.rejected", "reason", "control_characters")).isEqualTo(1.0);
        assertThat(metric(router, "switchboard.validation.rejected", "reason", "field_too_large")).isEqualTo(1.0);
        assertThat(metric(router, "switchboard.validation.rejected", "reason", "payload_types")).isEqualTo(1.0);
    }

    @Test
    void classifiesMessagesAndCountsThemPerClass() {
        Router router = TestRouters.start();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "typing", "payload", Map.of("state", "start")));
            alice.assertUsable();
            alice.send(Map.of("type", "get_quality_metrics", "message_id", "q"));
            alice.awaitReply("q");
            assertThat(metric(router, "switchboard.messages.classified", "priority", "critical")).isEqualTo(1.0);
            assertThat(metric(router, "switchboard.messages.classified", "priority", "low")).isEqualTo(1.0);
            assertThat(metric(router, "switchboard.messages.classified", "priority", "normal")).isEqualTo(1.0);
        } finally {
            router.stop();
        }
    }

    /**
     * Deterministic on a loaded machine: the flood's handler holds its worker until the calm user's
     * ping has been answered, so the ping can only be answered by overtaking the whole flood.
     */
    @Test
    void aFloodFromOneUserDoesNotDelayAnotherUsersPing() throws InterruptedException {
        Router router = TestRouters.start(config -> config.rateLimits(GENEROUS)
                .queue(new QueuePolicy(10_000, 5_000, 2, QueuePolicy.defaults().ttl())));
        java.util.concurrent.CountDownLatch floodRunning = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch pongSeen = new java.util.concurrent.CountDownLatch(1);
        router.registerHandler("crunch", (context, message) -> {
            floodRunning.countDown();
            pongSeen.await(10, java.util.concurrent.TimeUnit.SECONDS);
            context.reply(ServerEvent.of("crunched"));
        });
        int flood = 400;
        try (WsClient flooder = WsClient.connect(router.clientUri(), "flooder");
             WsClient calm = WsClient.connect(router.clientUri(), "calm")) {
            for (int i = 0; i < flood; i++) {
                flooder.send(Map.of("type", "crunch", "message_id", "f-" + i));
            }
            assertThat(floodRunning.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            calm.send(Map.of("type", "ping", "message_id", "p"));
            calm.awaitReply("p");
            long floodAnsweredBeforePong = flooder.seen().stream()
                    .filter(m -> m.path("type").asText().equals("crunched")).count();
            pongSeen.countDown();

            assertThat(floodAnsweredBeforePong).as("the pong overtook the flood").isZero();
            flooder.awaitReply("f-" + (flood - 1));
        } finally {
            pongSeen.countDown();
            router.stop();
        }
    }

    @Test
    void answersOverloadedWhenOneUserHasTooManyMessagesWaiting() {
        Router router = TestRouters.start(config -> config.rateLimits(GENEROUS)
                .queue(new QueuePolicy(10_000, 3, 2, QueuePolicy.defaults().ttl())));
        registerBusyHandler(router);
        try (WsClient flooder = WsClient.connect(router.clientUri(), "flooder");
             WsClient calm = WsClient.connect(router.clientUri(), "calm")) {
            for (int i = 0; i < 30; i++) {
                flooder.send(Map.of("type", "crunch", "message_id", "f-" + i));
            }
            JsonNode overloaded = flooder.await(m -> m.path("code").asText().equals("overloaded"));
            assertThat(overloaded.path("retry_after_ms").asLong()).isPositive();
            calm.send(Map.of("type", "crunch", "message_id", "c"));
            assertThat(calm.awaitReply("c").path("type").asText()).isEqualTo("crunched");
        } finally {
            router.stop();
        }
        assertThat(metric(router, "switchboard.queue.refused", "reason", "user_full")).isPositive();
    }

    @Test
    void dropsMessagesThatWaitedPastTheirClassTtlWithExpired() {
        Router router = TestRouters.start(config -> config.rateLimits(GENEROUS)
                .queue(new QueuePolicy(10_000, 5_000, 1, QueuePolicy.defaults().withTtl(Priority.NORMAL,
                        Duration.ofMillis(20)).ttl())));
        registerBusyHandler(router);
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient bob = WsClient.connect(router.clientUri(), "bob")) {
            for (int i = 0; i < 100; i++) {
                alice.send(Map.of("type", "crunch", "message_id", "a-" + i));
                bob.send(Map.of("type", "crunch", "message_id", "b-" + i));
            }
            JsonNode expired = bob.await(m -> m.path("code").asText().equals("expired"));
            assertThat(expired.path("message").asText()).contains("normal");
            alice.assertUsable();
        } finally {
            router.stop();
        }
        assertThat(router.meterRegistry().get("switchboard.queue.expired").tag("priority", "normal")
                .functionCounter().count()).isPositive();
    }

    @Test
    void rateLimitsChangedAtRuntimeApplyAtOnce() {
        Router router = TestRouters.start(config -> config.rateLimits(new RateLimitPolicy(new RateLimit(60, 2),
                new RateLimit(600, 100), RateLimit.livenessDefaults(), Map.of())));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            for (int i = 0; i < 3; i++) {
                alice.send(Map.of("type", "get_quality_metrics", "message_id", "q-" + i));
            }
            assertThat(alice.awaitReply("q-2").path("code").asText()).isEqualTo("rate_limited");
            router.protection().overrideRateLimit("alice", new RateLimit(60_000, 1_000));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String id = "r-" + System.nanoTime();
                alice.send(Map.of("type", "get_quality_metrics", "message_id", id));
                assertThat(alice.awaitReply(id).path("type").asText()).isEqualTo("quality_metrics");
            });
        } finally {
            router.stop();
        }
    }

    @Test
    void aRunAskedForWhileStartingByAConnectionThatClosedIsCancelled() {
        Router router = Router.builder().config(TestRouters.config()
                .agent(TestRouters.config().build().agent().withWarmUp(Duration.ofMillis(500))
                        .withStepDelay(Duration.ofMillis(200))).build()).build().start();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            WsClient tab = WsClient.connect(router.clientUri(), "alice");
            tab.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "x")));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> router.queueDepth(Priority.NORMAL) == 1);
            assertThat(router.isReady()).as("the message is held while the router starts").isFalse();
            tab.close();
            JsonNode completed = alice.awaitType("agent_completed");
            assertThat(completed.path("data").path("status").asText()).isEqualTo("cancelled");
            assertThat(completed.path("data").path("error").asText()).isEqualTo("connection closed");
        } finally {
            router.stop();
        }
    }

    @Test
    void batchElementsGetTheirOwnJsonRpcErrorCodes() {
        Router router = TestRouters.start();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "batch", "payload", Map.of("messages", List.of(
                    Map.of("jsonrpc", "1.0", "id", 3, "method", "ping"),
                    Map.of("jsonrpc", "2.0", "id", 4, "method", "ping", "params", List.of(1))))));
            assertThat(alice.awaitRpc(3).path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(alice.awaitRpc(4).path("error").path("code").asInt()).isEqualTo(-32602);
        } finally {
            router.stop();
        }
    }
}
