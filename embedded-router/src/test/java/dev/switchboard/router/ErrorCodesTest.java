package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every error code and every closing condition, provoked over a real socket. */
@ExtendWith(NoLeakedThreads.class)
class ErrorCodesTest {
    private static Router router;

    @BeforeAll
    static void startRouter() {
        router = TestRouters.start(config -> config.softFrameLimit(1024).hardFrameLimit(4096)
                .rateLimits(new RateLimitPolicy(new RateLimit(60, 5), new RateLimit(600, 100),
                        RateLimit.livenessDefaults(), java.util.Map.of())));
        router.registerHandler("explode", (context, message) -> {
            throw new IllegalStateException("secret internal detail");
        });
    }

    @AfterAll
    static void stopRouter() {
        router.stop();
    }

    private static void assertError(JsonNode frame, String code) {
        assertThat(frame.path("type").asText()).isEqualTo("error");
        assertThat(frame.path("code").asText()).isEqualTo(code);
        assertThat(frame.path("message").asText()).isNotBlank();
    }

    @Test
    void answersMalformedFramesAndStaysOpen() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send("{not json");
            JsonNode invalidJson = alice.awaitType("error");
            assertError(invalidJson, "invalid_json");
            assertThat(invalidJson.toString()).doesNotContain("not json");

            alice.send("{\"message_id\":\"m-1\",\"payload\":{}}");
            assertError(alice.awaitReply("m-1"), "invalid_message");
            alice.send("[1,2,3]");
            assertError(alice.awaitType("error"), "invalid_message");
            alice.send(Map.of("type", "user_message", "message_id", "m-2", "payload", Map.of("content", 42)));
            assertError(alice.awaitReply("m-2"), "invalid_message");
            alice.send(Map.of("type", "no_such_type", "message_id", "m-3"));
            assertError(alice.awaitReply("m-3"), "unknown_type");
            alice.send(Map.of("type", "stop_agent", "message_id", "m-4", "payload", Map.of("run_id", "run-unknown")));
            assertError(alice.awaitReply("m-4"), "not_found");
            alice.assertUsable();
        }
    }

    @Test
    void answersAFrameOverTheSoftLimitWithTooLarge() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "validate_content", "message_id", "big", "payload", Map.of("content", "x".repeat(2000))));
            JsonNode error = alice.awaitType("error");
            assertError(error, "too_large");
            assertThat(error.toString()).doesNotContain("xxxx");
            alice.assertUsable();
        }
    }

    @Test
    void answersBinaryFramesWithBinaryNotSupported() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.sendBinary(new byte[] {1, 2, 3});
            assertError(alice.awaitType("error"), "binary_not_supported");
            alice.assertUsable();
        }
    }

    @Test
    void answersHandlerFailuresWithoutLeakingDetails() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "explode", "message_id", "e-1"));
            JsonNode error = alice.awaitReply("e-1");
            assertError(error, "handler_failed");
            assertThat(error.toString()).doesNotContain("secret internal detail").doesNotContain("Exception");
            alice.assertUsable();
        }
        assertThat(router.stats().errorsByType().get("explode")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void rateLimitsAFloodingUserButNotHisPingsNorOtherUsers() {
        try (WsClient flooder = WsClient.connect(router.clientUri(), "flooder");
             WsClient calm = WsClient.connect(router.clientUri(), "calm")) {
            for (int i = 0; i < 8; i++) {
                flooder.send(Map.of("type", "validate_content", "message_id", "v-" + i, "payload", Map.of("content", "ok text")));
            }
            JsonNode limited = flooder.await(m -> m.path("code").asText().equals("rate_limited"));
            assertThat(limited.path("retry_after_ms").asLong()).isPositive();
            assertThat(limited.path("reply_to").asText()).startsWith("v-");
            flooder.assertUsable();
            calm.send(Map.of("type", "validate_content", "message_id", "c-1", "payload", Map.of("content", "ok text")));
            assertThat(calm.awaitReply("c-1").path("type").asText()).isEqualTo("validation_result");
        }
        assertThat(router.stats().errorsSent().get("rate_limited")).isPositive();
    }

    @Test
    void closesAFrameOverTheHardLimitWith1009() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient bob = WsClient.connect(router.clientUri(), "bob")) {
            alice.send("{\"type\":\"ping\",\"pad\":\"" + "y".repeat(5000) + "\"}");
            assertThat(alice.awaitClose()).isEqualTo(1009);
            bob.assertUsable();
        }
    }

    @Test
    void answersOverloadedWhenRunsInFlightAreAtTheLimit() {
        Router small = TestRouters.start(config -> config.maxRunsInFlight(1)
                .agent(config.build().agent().withStepDelay(Duration.ofMillis(300))));
        try (WsClient alice = WsClient.connect(small.clientUri(), "alice")) {
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "one")));
            alice.awaitReply("m-1");
            alice.send(Map.of("type", "user_message", "message_id", "m-2", "payload", Map.of("content", "two")));
            assertError(alice.awaitReply("m-2"), "overloaded");
            alice.assertUsable();
        } finally {
            small.stop();
        }
    }

    @Test
    void holdsMessagesDuringStartUpAndAnswersThemWhenReady() {
        Router starting = Router.builder().config(TestRouters.config()
                .agent(TestRouters.config().build().agent().withWarmUp(Duration.ofMillis(600))).build()).build().start();
        try (WsClient alice = WsClient.connect(starting.clientUri(), "alice")) {
            assertThat(starting.isReady()).isFalse();
            alice.send(Map.of("type", "ping", "message_id", "early"));
            assertThat(alice.awaitReply("early").path("type").asText()).isEqualTo("pong");
            assertThat(starting.isReady()).isTrue();
        } finally {
            starting.stop();
        }
    }

    @Test
    void answersExpiredForAMessageHeldPastItsTimeToLive() {
        Router starting = Router.builder().config(TestRouters.config()
                .queue(QueuePolicy.defaults().withTtl(Priority.CRITICAL, Duration.ofMillis(100)))
                .agent(TestRouters.config().build().agent().withWarmUp(Duration.ofMillis(600))).build()).build().start();
        try (WsClient alice = WsClient.connect(starting.clientUri(), "alice")) {
            alice.send(Map.of("type", "ping", "message_id", "early"));
            assertError(alice.awaitReply("early"), "expired");
            alice.assertUsable();
        } finally {
            starting.stop();
        }
    }

    @Test
    void answersUnavailableWhenTheAgentIsNotReadyAfterTheGracePeriod() {
        Router degraded = Router.builder().config(TestRouters.config().startupGrace(Duration.ofMillis(100))
                .agent(TestRouters.config().build().agent().withWarmUp(Duration.ofSeconds(30))).build()).build().start();
        try (WsClient alice = WsClient.connect(degraded.clientUri(), "alice")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> degraded.state() == Router.State.DEGRADED);
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "x")));
            assertError(alice.awaitReply("m-1"), "unavailable");
            alice.assertUsable();
            assertThat(degraded.isReady()).isFalse();
        } finally {
            degraded.stop();
        }
    }

    @Test
    void closesAClientThatDoesNotReadWith1013() {
        Router tight = TestRouters.start(config -> config.outboxLimit(4));
        ServerEvent bulky = ServerEvent.builder("bulk").put("data", "z".repeat(32 * 1024)).build();
        tight.registerHandler("flood_me", (context, message) -> {
            for (int i = 0; i < 2000 && tight.emitToUser(context.userId(), bulky) > 0; i++) {
                // emit until the outbox refuses
            }
        });
        try (WsClient reader = WsClient.connect(tight.clientUri(), "reader");
             WsClient slow = WsClient.open(java.net.URI.create(tight.clientUri() + "?user=slow"), Map.of(), false)) {
            slow.send(Map.of("type", "flood_me"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    tight.meterRegistry().get("switchboard.outbox.refused").functionCounter().count() > 0);
            slow.readAll();
            assertThat(slow.awaitClose()).isEqualTo(1013);
            reader.assertUsable();
        } finally {
            tight.stop();
        }
    }

    @Test
    void closesAnIdleConnectionWith1001() {
        Router strict = TestRouters.start(config -> config.idleTimeout(Duration.ofMillis(400)));
        try (WsClient idle = WsClient.connect(strict.clientUri(), "idle")) {
            assertThat(idle.awaitClose()).isEqualTo(1001);
            assertThat(strict.meterRegistry().get("switchboard.connections.idle.closed").functionCounter().count())
                    .isEqualTo(1.0);
        } finally {
            strict.stop();
        }
    }
}
