package dev.switchboard.router.agents.http;

import static dev.switchboard.router.agents.http.ExampleAgentService.Step.event;
import static dev.switchboard.router.agents.http.ExampleAgentService.Step.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.AgentResult;
import dev.switchboard.router.agents.AgentRunEvents;
import dev.switchboard.router.agents.BackendFailure;
import dev.switchboard.router.agents.http.ExampleAgentService.Reply;
import dev.switchboard.router.agents.http.ExampleAgentService.Step;
import dev.switchboard.router.time.Scheduler;
import dev.switchboard.router.time.Ticker;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP executor against a real HTTP service on loopback: each way a backend can behave or break,
 * once per way of reaching the service ({@link HttpAgentExecutorOnJdkClientTest},
 * {@link HttpAgentExecutorOnNettyTest}).
 */
abstract class HttpAgentExecutorCases {

    /** How the executor reaches the service; null for its own JDK client. */
    abstract HttpStreams streams();

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable each : closing) {
            each.close();
        }
        timer.shutdownNow();
    }

    @Test
    void happyPathStreamsEveryEventInOrderAndTheBackendsOwnCompletion() throws Exception {
        ExampleAgentService service = service(ExampleAgentService.standard(5));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl()));
        RecordingRun run = new RecordingRun();

        AgentResult result = executor.execute(request("hello"), run).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(run.started).isTrue();
        assertThat(run.types()).containsExactly("agent_thinking", "tool_executing", "tool_completed", "agent_thinking");
        assertThat(result.data().path("status").asText()).isEqualTo("completed");
        assertThat(result.result()).isEqualTo("Example answer to: hello");
        ExampleAgentService.ReceivedRun received = service.received().get(0);
        assertThat(received.body().path("run_id").asText()).isEqualTo("run-1");
        assertThat(received.body().path("user_id").asText()).isEqualTo("alice");
        assertThat(received.body().path("shadow").asBoolean(true)).isFalse();
        assertThat(received.header("Accept")).isEqualTo("text/event-stream");
        assertThat(received.header("Content-Type")).isEqualTo("application/json");
        assertThat(executor.contractViolations()).isZero();
    }

    @Test
    void configuredHeadersAreSent() throws Exception {
        ExampleAgentService service = service(ExampleAgentService.standard(0));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl())
                .withHeaders(Map.of("Authorization", "Bearer s3cret")));

        executor.execute(request("x"), new RecordingRun()).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(service.received().get(0).header("Authorization")).isEqualTo("Bearer s3cret");
    }

    @Test
    void serverErrorFailsBeforeTheStart() throws Exception {
        ExampleAgentService service = service(run -> new Reply(500, "text/plain", List.of(raw(0, "oops")), 0));
        BackendFailure failure = failure(executor(HttpBackendSettings.of(service.runsUrl())), new RecordingRun());

        assertThat(failure.reason()).isEqualTo(BackendFailure.UNAVAILABLE);
        assertThat(failure.beforeStart()).isTrue();
        assertThat(failure.getMessage()).contains("HTTP 500");
    }

    @Test
    void wrongContentTypeFailsBeforeTheStart() throws Exception {
        ExampleAgentService service = service(run -> new Reply(200, "application/json", List.of(raw(0, "{}")), 0));
        RecordingRun run = new RecordingRun();
        BackendFailure failure = failure(executor(HttpBackendSettings.of(service.runsUrl())), run);

        assertThat(failure.reason()).isEqualTo(BackendFailure.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("application/json");
        assertThat(run.started).isFalse();
    }

    @Test
    void refusedConnectionFailsBeforeTheStartInWords() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        BackendFailure failure = failure(executor(HttpBackendSettings.of(URI.create("http://127.0.0.1:" + port + "/runs"))),
                new RecordingRun());

        assertThat(failure.reason()).isEqualTo(BackendFailure.UNAVAILABLE);
        assertThat(failure.beforeStart()).isTrue();
        assertThat(failure.getMessage()).isEqualTo("connection refused");
    }

    @Test
    void slowFirstEventTimesOutAndAbortsTheStream() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(event(5_000, "agent_thinking", "{}")))
                .withKeepAlive(20));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(60)));

        BackendFailure failure = failure(executor, new RecordingRun());

        assertThat(failure.reason()).isEqualTo(BackendFailure.TIMEOUT);
        assertThat(failure.beforeStart()).isFalse();
        assertThat(failure.getMessage()).contains("no event within 300 ms");
        await().atMost(Duration.ofSeconds(5)).until(() -> service.aborted() == 1);
    }

    @Test
    void idleStreamTimesOutButCommentsKeepItAlive() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"),
                Step.hang())));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(60)));

        BackendFailure failure = failure(executor, new RecordingRun());
        assertThat(failure.reason()).isEqualTo(BackendFailure.TIMEOUT);
        assertThat(failure.getMessage()).contains("idle for 300 ms");

        service.script(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"),
                event(900, "agent_completed", "{\"status\":\"completed\",\"result\":\"late\"}"))).withKeepAlive(50));
        AgentResult result = executor.execute(request("x"), new RecordingRun()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(result.result()).isEqualTo("late");
    }

    @Test
    void garbageLinesUnknownTypesAndNonObjectsAreDroppedAndCounted() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(
                raw(0, "this is not a field line\n\n"),
                raw(0, "event: agent_thinking\ndata: not json\n\n"),
                raw(0, "event: agent_thinking\ndata: [1,2]\n\n"),
                event(0, "agent_dreaming", "{}"),
                event(0, "tool_completed", "{\"tool\":\"never_started\"}"),
                event(0, "agent_thinking", "{\"thought\":\"fine\"}"),
                event(0, "agent_completed", "{\"status\":\"completed\"}"))));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl()));
        RecordingRun run = new RecordingRun();

        executor.execute(request("x"), run).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(run.types()).containsExactly("agent_thinking");
        // the first line is a field named "this is not a field line" with no data: no event, as the standard says
        assertThat(executor.contractViolations()).isEqualTo(4);
    }

    @Test
    void eventsAfterCompletionAreDroppedAndCounted() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(
                event(0, "agent_completed", "{\"status\":\"failed\",\"error\":\"no luck\"}"),
                event(0, "agent_thinking", "{\"thought\":\"too late\"}"),
                event(0, "agent_completed", "{\"status\":\"completed\"}"))));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl()));
        RecordingRun run = new RecordingRun();

        AgentResult result = executor.execute(request("x"), run).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(result.failed()).isTrue();
        assertThat(result.data().path("error").asText()).isEqualTo("no luck");
        await().atMost(Duration.ofSeconds(5)).until(() -> executor.contractViolations() == 2);
        assertThat(run.types()).isEmpty();
    }

    @Test
    void hugeEventKeepsItsFirstFieldsAndSaysTruncated() throws Exception {
        String huge = "z".repeat(100_000);
        ExampleAgentService service = service(run -> Reply.stream(List.of(
                event(0, "agent_thinking", "{\"thought\":\"short\",\"notes\":\"" + huge + "\",\"after\":1}"),
                event(0, "agent_thinking", "{\"thought\":\"" + "y".repeat(2_000_000) + "\"}"),
                event(0, "agent_completed", "{\"status\":\"completed\"}"))));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl()));
        RecordingRun run = new RecordingRun();

        executor.execute(request("x"), run).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(run.data).hasSize(2);
        ObjectNode first = run.data.get(0);
        assertThat(first.path("thought").asText()).isEqualTo("short");
        assertThat(first.has("notes")).isFalse();
        assertThat(first.path("truncated").asBoolean()).isTrue();
        assertThat(run.data.get(1).toString()).isEqualTo("{\"truncated\":true}");
    }

    @Test
    void anEventsSizeIsCountedInUtf8Bytes() throws Exception {
        String twoByteChars = "\u00e9".repeat(22_000); // 44,000 bytes: under 64 KiB though 3 x its chars is over
        String threeByteChars = "\u2713".repeat(22_000); // 66,000 bytes: over
        ExampleAgentService service = service(run -> Reply.stream(List.of(
                event(0, "agent_thinking", "{\"thought\":\"" + twoByteChars + "\"}"),
                event(0, "agent_thinking", "{\"first\":1,\"thought\":\"" + threeByteChars + "\"}"),
                event(0, "agent_completed", "{\"status\":\"completed\"}"))));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl()));
        RecordingRun run = new RecordingRun();

        executor.execute(request("x"), run).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(run.data).hasSize(2);
        assertThat(run.data.get(0).path("thought").asText()).isEqualTo(twoByteChars);
        assertThat(run.data.get(0).has("truncated")).isFalse();
        assertThat(run.data.get(1).toString()).isEqualTo("{\"first\":1,\"truncated\":true}");
    }

    @Test
    void streamEndingWithoutCompletionFails() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"))));
        BackendFailure failure = failure(executor(HttpBackendSettings.of(service.runsUrl())), new RecordingRun());

        assertThat(failure.reason()).isEqualTo(BackendFailure.STREAM_ENDED);
        assertThat(failure.beforeStart()).isFalse();
    }

    @Test
    void midStreamCrashIsABrokenStream() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"),
                Step.disconnect(50))));
        RecordingRun run = new RecordingRun();
        BackendFailure failure = failure(executor(HttpBackendSettings.of(service.runsUrl())), run);

        assertThat(failure.reason()).isEqualTo(BackendFailure.UNAVAILABLE);
        assertThat(failure.getMessage()).startsWith("the stream broke");
        assertThat(run.types()).containsExactly("agent_thinking");
    }

    @Test
    void endingTheRunAbortsTheBackendRequest() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(event(0, "agent_thinking", "{}"),
                Step.hang())).withKeepAlive(20));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl()));
        RecordingRun run = new RecordingRun();
        executor.execute(request("x"), run);
        await().atMost(Duration.ofSeconds(5)).until(() -> run.types().size() == 1);

        run.end();

        await().atMost(Duration.ofSeconds(5)).until(() -> service.aborted() == 1);
        assertThat(service.open()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> executor.inFlight() == 0);
    }

    @Test
    void healthFollowsTheHealthUrl() throws Exception {
        ExampleAgentService service = service(ExampleAgentService.standard(0));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl())
                .withHealthUrl(service.healthUrl()).withHealthInterval(Duration.ofMillis(50)));
        executor.warmUp().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(executor.isHealthy()).isTrue();

        service.healthy(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> !executor.isHealthy());
        assertThat(executor.lastFailure().detail()).isEqualTo("HTTP 503");

        service.healthy(true);
        await().atMost(Duration.ofSeconds(5)).until(executor::isHealthy);
    }

    @Test
    void runsOverMaxInFlightAreRefusedBeforeTheStart() throws Exception {
        ExampleAgentService service = service(run -> Reply.stream(List.of(Step.hang())));
        HttpAgentExecutor executor = executor(HttpBackendSettings.of(service.runsUrl()).withMaxInFlight(1));
        executor.execute(request("x"), new RecordingRun());

        BackendFailure failure = failure(executor, new RecordingRun());

        assertThat(failure.beforeStart()).isTrue();
        assertThat(failure.getMessage()).contains("max_in_flight");
    }

    private ExampleAgentService service(ExampleAgentService.Script script) throws Exception {
        ExampleAgentService service = ExampleAgentService.start(0, script);
        closing.add(service);
        return service;
    }

    HttpAgentExecutor executor(HttpBackendSettings settings) {
        HttpAgentExecutor executor = new HttpAgentExecutor("research", settings, Scheduler.of(timer), Ticker.system(), streams());
        closing.add(0, executor);
        return executor;
    }

    private static AgentRequest request(String content) {
        return new AgentRequest("run-1", "alice", "t-1", null, content, List.of());
    }

    static BackendFailure failure(HttpAgentExecutor executor, RecordingRun run) throws Exception {
        CompletableFuture<AgentResult> outcome = executor.execute(request("x"), run).toCompletableFuture();
        try {
            outcome.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BackendFailure.class);
            return (BackendFailure) e.getCause();
        }
        throw new AssertionError("the run did not fail: " + outcome.join());
    }

    /** A run as the router keeps it, reduced to what the executor sees: the contract's tool rule and onEnd. */
    static final class RecordingRun implements AgentRunEvents {
        final List<String> types = new CopyOnWriteArrayList<>();
        final List<ObjectNode> data = new CopyOnWriteArrayList<>();
        final List<Runnable> endActions = new CopyOnWriteArrayList<>();
        final Set<String> executing = new HashSet<>();
        volatile boolean started;
        volatile boolean ended;

        List<String> types() {
            return types;
        }

        @Override
        public void started() {
            started = true;
        }

        @Override
        public synchronized boolean emit(String type, ObjectNode eventData) {
            if (ended || !started) {
                return false;
            }
            String tool = eventData.path("tool").asText();
            if (type.equals("tool_executing") && !executing.add(tool)
                    || type.equals("tool_completed") && !executing.remove(tool)) {
                return false;
            }
            types.add(type);
            data.add(eventData);
            return true;
        }

        void end() {
            ended = true;
            endActions.forEach(Runnable::run);
        }

        @Override
        public void thinking(String thought) {
        }

        @Override
        public void toolExecuting(String tool, Map<String, Object> input) {
        }

        @Override
        public void toolCompleted(String tool, Object output, long durationMs) {
        }

        @Override
        public boolean isEnded() {
            return ended;
        }

        @Override
        public void onEnd(Runnable action) {
            endActions.add(action);
        }
    }
}
