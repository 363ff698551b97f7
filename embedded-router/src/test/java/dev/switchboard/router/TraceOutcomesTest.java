package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.monitor.wire.TraceStep;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.TraceSteps;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A trace for each way a message can end: refused by validation, by a rate limit, for its size,
 * expired in the queue, refused by an open breaker; each trace says where it stopped and why (the
 * accepted message, the backend choice and the rollout are in MessageTraceTest and BackendTraceTest).
 */
@ExtendWith(NoLeakedThreads.class)
class TraceOutcomesTest {

    /** The newest trace of alice's message {@code messageId}, once its message is done. */
    private static JsonNode doneTrace(Router router, String messageId) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode traces = router.monitorCommand(JsonNodeFactory.instance.objectNode().put("type", "trace")
                    .put("user_id", "alice").put("trace_message_id", messageId)).path("result").path("traces");
            found[0] = traces.isEmpty() ? null : traces.get(0);
            return found[0] != null && found[0].path("done").asBoolean();
        });
        return found[0];
    }

    private static JsonNode step(JsonNode trace, String name) {
        return TraceSteps.step(trace, name).path("detail");
    }

    private static List<String> steps(JsonNode trace) {
        return TraceSteps.names(trace);
    }

    @Test
    void invalidRateLimitedAndTooLargeMessagesSayWhereTheyStopped() {
        Router router = TestRouters.start(config -> config.softFrameLimit(1024).hardFrameLimit(4096)
                .rateLimits(new RateLimitPolicy(new RateLimit(60, 2), new RateLimit(600, 100),
                        RateLimit.livenessDefaults(), Map.of())));
        List<MonitorUpdate> updates = new CopyOnWriteArrayList<>();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             RouterFeed.Subscription subscription = router.monitor().subscribe(updates::add)) {
            alice.send(Map.of("type", "user_message", "message_id", "bad", "payload", Map.of()));
            assertThat(alice.awaitReply("bad").path("code").asText()).isEqualTo("invalid_message");
            JsonNode invalid = doneTrace(router, "bad");
            assertThat(step(invalid, "protection").path("validation").asText())
                    .isEqualTo("invalid_message: payload.content is required");
            assertThat(step(invalid, "protection").has("rate_limit")).as("validation refused it first").isFalse();
            assertThat(steps(invalid)).containsExactly("decode", "protection", "error");

            for (String id : List.of("q-1", "q-2", "q-3")) {
                alice.send(Map.of("type", "get_quality_metrics", "message_id", id));
                alice.awaitReply(id);
            }
            JsonNode limited = doneTrace(router, "q-3");
            JsonNode rateLimit = step(limited, "protection").path("rate_limit");
            assertThat(rateLimit.path("admitted").asBoolean()).isFalse();
            assertThat(rateLimit.path("retry_after_ms").asLong()).isPositive();
            assertThat(rateLimit.path("tokens_left").path("user").asLong()).isZero();
            assertThat(step(limited, "error").path("code").asText()).isEqualTo("rate_limited");
            assertThat(steps(limited)).doesNotContain("enqueued", "handler");

            alice.send("{\"type\":\"user_message\",\"payload\":{\"content\":\"" + "x".repeat(2_000) + "\"}}");
            assertThat(alice.awaitType("error").path("code").asText()).isEqualTo("too_large");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> updates.stream()
                    .flatMap(update -> update.events().stream())
                    .anyMatch(event -> event instanceof MonitorEvent.MessageTraced traced
                            && traced.trace().frameBytes() > 2_000));
            TraceRecord tooLarge = updates.stream().flatMap(update -> update.events().stream())
                    .filter(MonitorEvent.MessageTraced.class::isInstance).map(event -> ((MonitorEvent.MessageTraced) event).trace())
                    .filter(trace -> trace.frameBytes() > 2_000).findFirst().orElseThrow();
            assertThat(tooLarge.type()).isEqualTo("invalid");
            assertThat(tooLarge.steps()).extracting(TraceStep::step).containsExactly("decode", "error");
            assertThat(tooLarge.steps().get(0).detail()).containsEntry("verdict", "too_large");
        } finally {
            router.stop();
        }
    }

    @Test
    void aMessageHeldPastItsTimeToLiveSaysItExpiredInTheQueue() {
        Router starting = Router.builder().config(TestRouters.config()
                .queue(QueuePolicy.defaults().withTtl(Priority.CRITICAL, Duration.ofMillis(100)))
                .agent(TestRouters.config().build().agent().withWarmUp(Duration.ofSeconds(3))).build()).build().start();
        try (WsClient alice = WsClient.connect(starting.clientUri(), "alice")) {
            // held while the router warms up (3 s), far past the critical class's 100 ms
            assertThat(starting.isReady()).isFalse();
            alice.send(Map.of("type", "ping", "message_id", "early"));
            assertThat(alice.awaitReply("early").path("code").asText()).isEqualTo("expired");
            JsonNode trace = doneTrace(starting, "early");
            assertThat(step(trace, "enqueued").path("class").asText()).isEqualTo("critical");
            assertThat(step(trace, "dequeued").path("expired").asBoolean()).isTrue();
            assertThat(step(trace, "dequeued").path("waited_ms").asDouble()).isGreaterThanOrEqualTo(100);
            assertThat(step(trace, "error").path("code").asText()).isEqualTo("expired");
            assertThat(steps(trace)).doesNotContain("handler");
        } finally {
            starting.stop();
        }
    }

    @Test
    void aMessageRefusedByAForcedOpenBreakerSaysSoInItsHandlerStep() {
        Router router = TestRouters.start();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            JsonNode forced = router.monitorCommand(JsonNodeFactory.instance.objectNode().put("type", "breaker")
                    .put("name", "handler:ping").put("action", "force_open"));
            assertThat(forced.path("result").path("state").asText()).isEqualTo("forced_open");
            alice.send(Map.of("type", "ping", "message_id", "p-1"));
            assertThat(alice.awaitReply("p-1").path("code").asText()).isEqualTo("unavailable");
            JsonNode trace = doneTrace(router, "p-1");
            assertThat(step(trace, "handler").path("breaker").asText()).isEqualTo("forced_open");
            assertThat(step(trace, "handler").path("outcome").asText()).isEqualTo("refused by its breaker");
            assertThat(step(trace, "error").path("code").asText()).isEqualTo("unavailable");
        } finally {
            router.stop();
        }
    }

    @Test
    void underLoadTheRingKeepsOnlyTheLastTraces() {
        Router router = TestRouters.start(config -> config.traceRing(100).tracePerSecond(0).rateLimits(new RateLimitPolicy(
                new RateLimit(1_000_000, 10_000), new RateLimit(1_000_000, 10_000), new RateLimit(1_000_000, 10_000),
                Map.of())));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            for (int i = 1; i <= 1_000; i++) {
                alice.send(Map.of("type", "ping", "message_id", "p-" + i));
            }
            alice.awaitReply("p-1000");
            doneTrace(router, "p-1000");
            JsonNode first = router.monitorCommand(JsonNodeFactory.instance.objectNode().put("type", "trace")
                    .put("user_id", "alice").put("trace_message_id", "p-1"));
            assertThat(first.path("result").path("traces")).as("dropped from the ring of 100").isEmpty();
            JsonNode kept = router.monitorCommand(JsonNodeFactory.instance.objectNode().put("type", "trace")
                    .put("user_id", "alice").put("trace_message_id", "p-901"));
            assertThat(kept.path("result").path("traces")).hasSize(1);
        } finally {
            router.stop();
        }
    }

    @Test
    void pastPerSecondASampledMessageIsNotTracedAndIsCounted() {
        Router router = TestRouters.start(config -> config.traceSample(1.0).tracePerSecond(5).rateLimits(
                new RateLimitPolicy(new RateLimit(1_000_000, 10_000), new RateLimit(1_000_000, 10_000),
                        new RateLimit(1_000_000, 10_000), Map.of())));
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            long began = System.nanoTime();
            for (int i = 1; i <= 200; i++) {
                alice.send(Map.of("type", "ping", "message_id", "p-" + i));
            }
            alice.awaitReply("p-200");
            double seconds = (System.nanoTime() - began) / 1e9;
            int traced = 0;
            for (int i = 1; i <= 200; i++) {
                JsonNode reply = router.monitorCommand(JsonNodeFactory.instance.objectNode().put("type", "trace")
                        .put("user_id", "alice").put("trace_message_id", "p-" + i));
                traced += reply.path("result").path("traces").size();
            }
            assertThat(traced).as("the first five, then five a second (%.1f s)", seconds)
                    .isBetween(5, 5 + (int) Math.ceil(seconds * 5));
            assertThat(router.meterRegistry().scrape())
                    .contains("switchboard_trace_skipped_total " + (200 - traced) + ".0");
        } finally {
            router.stop();
        }
    }
}
