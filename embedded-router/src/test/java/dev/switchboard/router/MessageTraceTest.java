package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.TraceSteps;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Why a message got its answer: the monitor's {@code trace} and {@code trace_user} over a real socket. */
@ExtendWith(NoLeakedThreads.class)
class MessageTraceTest {
    private static final String SECRET = "message-trace-test-secret-of-32-bytes";
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());

    private WsClient monitor(Router router, Role role) {
        return WsClient.open(URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token="
                + tokens.mint("oncall", role, Duration.ofMinutes(5))), Map.of(), true);
    }

    /** The traces kept now (a message's trace is kept from its frame's arrival, before any answer). */
    private static JsonNode traces(WsClient monitor, String id, String field, String value) {
        monitor.send(Map.of("type", "trace", "message_id", id, "user_id", "alice", field, value));
        JsonNode reply = monitor.awaitReply(id);
        assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo("command_result");
        return reply.path("result").path("traces");
    }

    /** The newest trace once its message is done (its last steps come after the answer the client saw). */
    private static JsonNode doneTrace(WsClient monitor, String id, String field, String value) {
        return doneTrace(monitor, id, field, value, null);
    }

    /**
     * The newest trace once its message is done and, unless {@code step} is null, it has that step (a
     * run's {@code backend} step comes from the launcher that starts the run, possibly after done).
     */
    private static JsonNode doneTrace(WsClient monitor, String id, String field, String value, String step) {
        JsonNode[] found = new JsonNode[1];
        AtomicInteger asked = new AtomicInteger();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode traces = traces(monitor, id + "-" + asked.incrementAndGet(), field, value);
            found[0] = traces.isEmpty() ? null : traces.get(0);
            return found[0] != null && found[0].path("done").asBoolean()
                    && (step == null || TraceSteps.names(found[0]).contains(step));
        });
        return found[0];
    }

    @Test
    void everyMonitorSeesAMessageTraceOnceItsMessageIsDone() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET));
             WsClient viewer = monitor(router, Role.VIEWER);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "ping", "message_id", "p-seen"));
            alice.awaitReply("p-seen");
            alice.send("{not json");
            alice.awaitType("error");

            JsonNode event = awaitTraceEvent(viewer, "p-seen");
            JsonNode trace = event.path("trace");
            assertThat(trace.path("user_id").asText()).isEqualTo("alice");
            assertThat(trace.path("type").asText()).isEqualTo("ping");
            assertThat(trace.path("done").asBoolean()).isTrue();
            assertThat(TraceSteps.names(trace)).contains("decode", "protection", "handler", "reply");
            JsonNode refused = awaitTraceEvent(viewer, null);
            assertThat(refused.path("trace").path("type").asText()).isEqualTo("invalid");
            assertThat(TraceSteps.names(refused.path("trace"))).contains("decode", "error");
        }
    }

    /** The first {@code message_trace} event of message {@code messageId} (null: of a frame refused before it had one). */
    private static JsonNode awaitTraceEvent(WsClient monitor, String messageId) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode frame : monitor.seen()) {
                for (JsonNode event : frame.path("events")) {
                    if (event.path("kind").asText().equals("message_trace")
                            && (messageId == null ? event.path("trace").path("message_id").isNull()
                            : event.path("trace").path("message_id").asText().equals(messageId))) {
                        found[0] = event;
                        return true;
                    }
                }
            }
            return false;
        });
        return found[0];
    }

    @Test
    void withDevAuthEveryMessageIsTracedFromItsFrameToItsAnswer() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET));
             WsClient monitor = monitor(router, Role.VIEWER);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            assertThat(router.config().traceSample()).isEqualTo(1.0);
            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
            String runId = alice.awaitReply("m-1").path("run_id").asText();
            alice.send(Map.of("type", "no_such_type", "message_id", "m-2"));
            alice.awaitReply("m-2");

            JsonNode trace = doneTrace(monitor, "t-1", "trace_message_id", "m-1", "backend");
            assertThat(trace.path("type").asText()).isEqualTo("user_message");
            assertThat(trace.path("run_id").asText()).isEqualTo(runId);
            // by when each began: the handler's step spans the run's start and the ack it sent; the
            // backend is chosen after the ack, on the launcher, so its step may begin before the reply's or after
            List<String> steps = TraceSteps.names(trace);
            assertThat(steps.stream().filter(step -> !step.equals("backend")))
                    .containsExactly("decode", "protection", "enqueued", "dequeued", "handler", "run", "reply");
            assertThat(steps.indexOf("backend")).isGreaterThan(steps.indexOf("run"));
            assertThat(TraceSteps.step(trace, "backend").path("detail").path("chosen").asText()).isEqualTo("simulated");
            assertThat(TraceSteps.step(trace, "backend").path("detail").path("why").asText()).isEqualTo("strategy");
            JsonNode protection = TraceSteps.step(trace, "protection").path("detail");
            assertThat(protection.path("validation").asText()).isEqualTo("passed");
            assertThat(protection.path("classification").path("priority").asText()).isEqualTo("normal");
            assertThat(protection.path("classification").path("label").asText()).isEqualTo("tactical");
            assertThat(protection.path("rate_limit").path("admitted").asBoolean()).isTrue();
            assertThat(protection.path("rate_limit").path("tokens_left").path("user").asLong()).isPositive();
            assertThat(TraceSteps.step(trace, "enqueued").path("detail").path("class").asText()).isEqualTo("normal");
            assertThat(TraceSteps.step(trace, "handler").path("detail").path("breaker").asText()).isEqualTo("closed");
            assertThat(TraceSteps.step(trace, "handler").path("detail").path("outcome").asText()).isEqualTo("ok");
            assertThat(TraceSteps.step(trace, "reply").path("detail").path("type").asText()).isEqualTo("message_ack");
            assertThat(trace.path("total_ms").asDouble()).isPositive();
            assertThat(traces(monitor, "t-2", "run_id", runId)).hasSize(1);

            JsonNode unknown = doneTrace(monitor, "t-3", "trace_message_id", "m-2");
            assertThat(TraceSteps.step(unknown, "handler").path("detail").path("outcome").asText()).isEqualTo("unknown_type");
            assertThat(TraceSteps.step(unknown, "error").path("detail").path("code").asText()).isEqualTo("unknown_type");
        }
    }

    @Test
    void aPingOfAUserWithNothingUnderWayIsAnsweredOnTheThreadThatReadIt() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET));
             WsClient monitor = monitor(router, Role.VIEWER);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "ping", "message_id", "p-1"));
            alice.awaitReply("p-1");
            JsonNode trace = doneTrace(monitor, "t-1", "trace_message_id", "p-1");
            assertThat(TraceSteps.names(trace)).containsExactly("decode", "protection", "handled_now", "handler", "reply");
            assertThat(TraceSteps.step(trace, "handled_now").path("detail").path("thread").asText())
                    .doesNotStartWith("switchboard-dispatch");

            // a handler of the embedder's may block: it runs on a dispatch worker, as every other
            router.registerHandler("ping", (context, message) -> context.reply(
                    dev.switchboard.router.protocol.ServerEvent.builder("pong").put("custom", true).build()));
            alice.send(Map.of("type", "ping", "message_id", "p-2"));
            alice.awaitReply("p-2");
            JsonNode custom = doneTrace(monitor, "t-2", "trace_message_id", "p-2");
            assertThat(TraceSteps.names(custom)).containsSequence("enqueued", "dequeued", "handler");
        }
    }

    @Test
    void unsampledMessagesLeaveNoTraceUntilAnOperatorTracesTheUser() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET).traceSample(0.0));
             WsClient viewer = monitor(router, Role.VIEWER);
             WsClient operator = monitor(router, Role.OPERATOR);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "ping", "message_id", "p-1"));
            alice.awaitReply("p-1");
            // a traced message is kept from its arrival, before its answer: none now means never
            assertThat(traces(viewer, "t-1", "trace_message_id", "p-1")).isEmpty();

            viewer.send(Map.of("type", "trace_user", "message_id", "v-1", "user_id", "alice"));
            assertThat(viewer.awaitReply("v-1").path("code").asText()).isEqualTo("forbidden");
            operator.send(Map.of("type", "trace_user", "message_id", "o-1", "user_id", "alice", "for_ms", 60_000));
            assertThat(operator.awaitReply("o-1").path("result").path("until").asText()).isNotEmpty();

            alice.send(Map.of("type", "ping", "message_id", "p-2"));
            alice.awaitReply("p-2");
            JsonNode trace = doneTrace(viewer, "t-2", "trace_message_id", "p-2");
            assertThat(TraceSteps.step(trace, "protection").path("detail").path("classification").path("priority").asText())
                    .isEqualTo("critical");
            assertThat(TraceSteps.step(trace, "reply").path("detail").path("type").asText()).isEqualTo("pong");

            operator.send(Map.of("type", "trace_user", "message_id", "o-2", "user_id", "alice", "for_ms", 0));
            assertThat(operator.awaitReply("o-2").path("result").path("until").isNull()).isTrue();
            alice.send(Map.of("type", "ping", "message_id", "p-3"));
            alice.awaitReply("p-3");
            assertThat(traces(viewer, "t-3", "trace_message_id", "p-3")).isEmpty();

            viewer.send(Map.of("type", "trace", "message_id", "bad", "user_id", "alice"));
            assertThat(viewer.awaitReply("bad").path("code").asText()).isEqualTo("invalid_message");
        }
    }
}
