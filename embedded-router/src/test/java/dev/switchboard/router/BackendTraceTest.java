package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.agents.http.ExampleAgentService;
import dev.switchboard.router.agents.http.HttpBackendSettings;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.TraceSteps;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * For runs, the backend chosen and why: the {@code backend} and {@code retry} steps of a run's trace,
 * as the monitor's {@code trace} command answers them over a real socket.
 *
 * <p>The users' hashes and buckets are String.hashCode through the ring's murmur3 finaliser, fixed by
 * the JDK's specification of String.hashCode: {@code alice} is in bucket 91, {@code carol} hashes to
 * -1188981630, which the ring of backends a, b and c gives to c (and, c unhealthy, to a).
 */
@ExtendWith(NoLeakedThreads.class)
class BackendTraceTest {
    private static final String SECRET = "backend-trace-test-secret-of-32-bytes";
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    private final AtomicInteger asked = new AtomicInteger();

    private static BackendSpec simulated(String name, int weight, Duration stepDelay) {
        return new BackendSpec(new SimulatedAgent.Settings(name, stepDelay, 1, 1, 0.0, Duration.ZERO, 42L), weight,
                Duration.ofSeconds(5));
    }

    private static BackendSpec simulated(String name) {
        return simulated(name, 1, Duration.ofMillis(5));
    }

    private Router router(UnaryOperator<RouterConfig.Builder> change) {
        return TestRouters.start(config -> change.apply(config.jwtSecret(SECRET)));
    }

    private WsClient monitor(Router router) {
        return WsClient.open(URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token="
                + tokens.mint("oncall", Role.VIEWER, Duration.ofMinutes(5))), Map.of(), true);
    }

    /** Starts a run (naming {@code agent} unless null), waits for its end, returns its id. */
    private static String run(WsClient user, String messageId, String agent) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("content", "hi");
        if (agent != null) {
            payload.put("agent", agent);
        }
        user.send(Map.of("type", agent == null ? "user_message" : "start_agent", "message_id", messageId,
                "payload", payload));
        String runId = user.awaitReply(messageId).path("run_id").asText();
        assertThat(runId).as("the run's ack").startsWith("run-");
        user.awaitRun(runId);
        return runId;
    }

    /** The trace of {@code userId}'s run, once it has a step named {@code step} (they come after its ack). */
    private JsonNode runTrace(WsClient monitor, String userId, String runId, String step) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            String id = "t-" + asked.incrementAndGet();
            monitor.send(Map.of("type", "trace", "message_id", id, "user_id", userId, "run_id", runId));
            JsonNode reply = monitor.awaitReply(id);
            assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo("command_result");
            JsonNode traces = reply.path("result").path("traces");
            found[0] = traces.isEmpty() ? null : traces.get(0);
            return found[0] != null && TraceSteps.names(found[0]).contains(step);
        });
        return found[0];
    }

    private JsonNode backendStep(WsClient monitor, String userId, String runId) {
        return TraceSteps.step(runTrace(monitor, userId, runId, "backend"), "backend").path("detail");
    }

    private static List<String> candidates(JsonNode detail, String field) {
        List<String> values = new ArrayList<>();
        detail.path("candidates").forEach(candidate -> values.add(candidate.path(field).asText()));
        return values;
    }

    private static void pause(Router router, String backend) {
        RouterInternals.backends(router).backend(backend)
                .fault(new AgentBackend.Fault(true, 0, 0, Instant.now().plusSeconds(60), "test"));
    }

    @Test
    void roundRobinTakesTheHealthyBackendsInTurnAndSaysWhatItSaw() {
        try (Router router = router(config -> config.backends(List.of(simulated("a"), simulated("b"), simulated("c")))
                .strategy("round_robin"));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            JsonNode first = backendStep(monitor, "alice", run(alice, "m-1", null));
            assertThat(first.path("chosen").asText()).isEqualTo("a");
            assertThat(first.path("why").asText()).isEqualTo("strategy");
            assertThat(first.path("strategy").asText()).isEqualTo("round_robin");
            assertThat(candidates(first, "name")).containsExactly("a", "b", "c");
            assertThat(candidates(first, "healthy")).containsExactly("true", "true", "true");
            assertThat(candidates(first, "in_flight")).containsExactly("0", "0", "0");
            assertThat(candidates(first, "average_latency_ms")).containsExactly("0.0", "0.0", "0.0");
            assertThat(first.path("requested").isNull()).isTrue();
            assertThat(first.path("shadow").isNull()).isTrue();
            assertThat(first.path("sticky").isNull()).isTrue();
            assertThat(first.path("rollout").path("mode").asText()).isEqualTo("off");
            assertThat(first.path("rollout").path("decision").asText()).isEqualTo("off");

            JsonNode second = backendStep(monitor, "alice", run(alice, "m-2", null));
            assertThat(second.path("chosen").asText()).isEqualTo("b");
            // a served the first run: its latency is known now, the others' not yet
            assertThat(second.path("candidates").get(0).path("average_latency_ms").asDouble()).isPositive();
            assertThat(second.path("candidates").get(1).path("average_latency_ms").asDouble()).isZero();
        }
    }

    @Test
    void weightedFollowsTheWeightsAndListsThem() {
        try (Router router = router(config -> config.backends(List.of(simulated("a", 1, Duration.ofMillis(5)),
                simulated("b", 2, Duration.ofMillis(5)))).strategy("weighted"));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            List<String> chosen = new ArrayList<>();
            JsonNode last = null;
            for (int i = 0; i < 3; i++) {
                last = backendStep(monitor, "alice", run(alice, "m-" + i, null));
                chosen.add(last.path("chosen").asText());
            }
            assertThat(chosen).containsExactly("a", "b", "b");
            assertThat(last.path("strategy").asText()).isEqualTo("weighted");
            assertThat(candidates(last, "weight")).containsExactly("1", "2");
        }
    }

    @Test
    void leastLoadedSendsTheRunWhereFewerRunsAreInFlight() {
        try (Router router = router(config -> config.backends(List.of(simulated("slow", 1, Duration.ofSeconds(30)),
                simulated("fast"))).strategy("least_loaded"));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            alice.send(Map.of("type", "start_agent", "message_id", "m-1", "payload",
                    Map.of("content", "hi", "agent", "slow")));
            String slowRun = alice.awaitReply("m-1").path("run_id").asText();
            AgentBackend slow = RouterInternals.backends(router).backend("slow");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> slow.inFlight() == 1);

            JsonNode detail = backendStep(monitor, "alice", run(alice, "m-2", null));
            // slow comes first and both are idle at first: only the run in flight on it sends this one to fast
            assertThat(detail.path("chosen").asText()).isEqualTo("fast");
            assertThat(detail.path("strategy").asText()).isEqualTo("least_loaded");
            assertThat(candidates(detail, "name")).containsExactly("slow", "fast");
            assertThat(candidates(detail, "in_flight")).containsExactly("1", "0");

            alice.send(Map.of("type", "stop_agent", "message_id", "m-3", "payload", Map.of("run_id", slowRun)));
            alice.awaitRun(slowRun);
        }
    }

    @Test
    void userStickyNamesTheUsersHashAndTheBackendItMapsTo() {
        try (Router router = router(config -> config.backends(List.of(simulated("a"), simulated("b"), simulated("c")))
                .strategy("user_sticky"));
             WsClient monitor = monitor(router);
             WsClient carol = WsClient.connect(router.clientUri(), "carol")) {
            JsonNode home = backendStep(monitor, "carol", run(carol, "m-1", null));
            assertThat(home.path("chosen").asText()).isEqualTo("c");
            assertThat(home.path("strategy").asText()).isEqualTo("user_sticky");
            assertThat(home.path("sticky").path("hash").asInt()).isEqualTo(-1188981630);
            assertThat(home.path("sticky").path("maps_to").asText()).isEqualTo("c");

            pause(router, "c");
            JsonNode moved = backendStep(monitor, "carol", run(carol, "m-2", null));
            assertThat(moved.path("chosen").asText()).isEqualTo("a");
            assertThat(moved.path("sticky").path("maps_to").asText()).isEqualTo("c");
            assertThat(candidates(moved, "healthy")).containsExactly("true", "true", "false");
        }
    }

    @Test
    void aNamedAgentIsServedWhenHealthyAndOtherwiseRoutedAsIfUnnamed() {
        try (Router router = router(config -> config.backends(List.of(simulated("a"), simulated("b"))));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            JsonNode named = backendStep(monitor, "alice", run(alice, "m-1", "b"));
            assertThat(named.path("chosen").asText()).isEqualTo("b");
            assertThat(named.path("why").asText()).isEqualTo("requested");
            assertThat(named.path("requested").path("name").asText()).isEqualTo("b");
            assertThat(named.path("requested").path("known").asBoolean()).isTrue();
            assertThat(named.path("requested").path("healthy").asBoolean()).isTrue();
            // neither the rollout nor the strategy was asked
            assertThat(named.path("rollout").isNull()).isTrue();
            assertThat(named.path("strategy").isNull()).isTrue();
            assertThat(named.path("candidates")).isEmpty();

            JsonNode unknown = backendStep(monitor, "alice", run(alice, "m-2", "planner"));
            assertThat(unknown.path("requested").path("known").asBoolean()).isFalse();
            assertThat(unknown.path("why").asText()).isEqualTo("strategy");
            assertThat(unknown.path("chosen").asText()).isEqualTo("a");

            pause(router, "b");
            JsonNode down = backendStep(monitor, "alice", run(alice, "m-3", "b"));
            assertThat(down.path("requested").path("known").asBoolean()).isTrue();
            assertThat(down.path("requested").path("healthy").asBoolean()).isFalse();
            assertThat(down.path("why").asText()).isEqualTo("strategy");
            assertThat(down.path("chosen").asText()).isEqualTo("a");

            pause(router, "a");
            JsonNode none = backendStep(monitor, "alice", run(alice, "m-4", null));
            assertThat(none.path("chosen").isNull()).isTrue();
            assertThat(none.path("why").asText()).isEqualTo("none_healthy");
            assertThat(candidates(none, "healthy")).containsExactly("false", "false");
        }
    }

    @Test
    void aPartialRolloutComparesTheUsersBucketWithItsPercent() {
        try (Router router = router(config -> config.backends(List.of(simulated("stable"), simulated("canary"))));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            BackendPool pool = RouterInternals.backends(router);
            pool.rollout(Rollout.Mode.PARTIAL, "canary", 92);
            JsonNode in = backendStep(monitor, "alice", run(alice, "m-1", null));
            assertThat(in.path("chosen").asText()).isEqualTo("canary");
            assertThat(in.path("why").asText()).isEqualTo("rollout");
            JsonNode rollout = in.path("rollout");
            assertThat(rollout.path("mode").asText()).isEqualTo("partial");
            assertThat(rollout.path("candidate").asText()).isEqualTo("canary");
            assertThat(rollout.path("percent").asInt()).isEqualTo(92);
            assertThat(rollout.path("candidate_healthy").asBoolean()).isTrue();
            assertThat(rollout.path("bucket_of").asText()).isEqualTo("user");
            assertThat(rollout.path("bucket").asInt()).isEqualTo(91);
            assertThat(rollout.path("decision").asText()).isEqualTo("candidate");

            pool.rollout(Rollout.Mode.PARTIAL, "canary", 91);
            JsonNode out = backendStep(monitor, "alice", run(alice, "m-2", null));
            assertThat(out.path("chosen").asText()).isEqualTo("stable");
            assertThat(out.path("why").asText()).isEqualTo("strategy");
            assertThat(out.path("rollout").path("bucket").asInt()).isEqualTo(91);
            assertThat(out.path("rollout").path("decision").asText()).isEqualTo("stable");
            // the candidate is never one of the stable backends the strategy picks from
            assertThat(candidates(out, "name")).containsExactly("stable");

            pool.rollout(Rollout.Mode.PARTIAL, "canary", 92);
            pause(router, "canary");
            JsonNode down = backendStep(monitor, "alice", run(alice, "m-3", null));
            assertThat(down.path("chosen").asText()).isEqualTo("stable");
            assertThat(down.path("rollout").path("candidate_healthy").asBoolean()).isFalse();
            assertThat(down.path("rollout").path("decision").asText()).isEqualTo("candidate_down");
        }
    }

    @Test
    void aFullRolloutSendsEveryRunToTheCandidateWhileItIsHealthy() {
        try (Router router = router(config -> config.backends(List.of(simulated("stable"), simulated("canary"))));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            RouterInternals.backends(router).rollout(Rollout.Mode.FULL, "canary", 100);
            JsonNode full = backendStep(monitor, "alice", run(alice, "m-1", null));
            assertThat(full.path("chosen").asText()).isEqualTo("canary");
            assertThat(full.path("why").asText()).isEqualTo("rollout");
            assertThat(full.path("rollout").path("mode").asText()).isEqualTo("full");
            assertThat(full.path("rollout").path("bucket").isNull()).isTrue();
            assertThat(full.path("rollout").path("decision").asText()).isEqualTo("candidate");

            pause(router, "canary");
            JsonNode down = backendStep(monitor, "alice", run(alice, "m-2", null));
            assertThat(down.path("chosen").asText()).isEqualTo("stable");
            assertThat(down.path("why").asText()).isEqualTo("strategy");
            assertThat(down.path("rollout").path("decision").asText()).isEqualTo("candidate_down");
        }
    }

    @Test
    void aShadowRolloutSaysWhetherTheRunsCopyWentToTheCandidate() {
        try (Router router = router(config -> config.backends(List.of(simulated("stable"), simulated("canary"))));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            BackendPool pool = RouterInternals.backends(router);
            pool.rollout(Rollout.Mode.SHADOW, "canary", 100);
            JsonNode copied = backendStep(monitor, "alice", run(alice, "m-1", null));
            assertThat(copied.path("chosen").asText()).isEqualTo("stable");
            assertThat(copied.path("shadow").asText()).isEqualTo("canary");
            assertThat(copied.path("rollout").path("bucket_of").asText()).isEqualTo("run");
            assertThat(copied.path("rollout").path("bucket").asInt()).isBetween(0, 99);
            assertThat(copied.path("rollout").path("decision").asText()).isEqualTo("shadow");

            pool.rollout(Rollout.Mode.SHADOW, "canary", 0);
            JsonNode notCopied = backendStep(monitor, "alice", run(alice, "m-2", null));
            assertThat(notCopied.path("chosen").asText()).isEqualTo("stable");
            assertThat(notCopied.path("shadow").isNull()).isTrue();
            assertThat(notCopied.path("rollout").path("decision").asText()).isEqualTo("no_shadow");
        }
    }

    @Test
    void aBackendThatFailsBeforeTheRunStartsLeavesARetryStepInTheRunsTrace() throws IOException {
        try (ExampleAgentService good = ExampleAgentService.start(0, ExampleAgentService.standard(0));
             Router router = router(config -> config.backends(List.of(http("dead", deadUrl()),
                     http("good", good.runsUrl()))));
             WsClient monitor = monitor(router);
             WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            String runId = run(alice, "m-1", "dead");

            JsonNode trace = runTrace(monitor, "alice", runId, "retry");
            JsonNode chosen = TraceSteps.step(trace, "backend").path("detail");
            assertThat(chosen.path("chosen").asText()).isEqualTo("dead");
            assertThat(chosen.path("why").asText()).isEqualTo("requested");
            JsonNode retry = TraceSteps.step(trace, "retry").path("detail");
            assertThat(retry.path("from").asText()).isEqualTo("dead");
            assertThat(retry.path("failure").asText()).isEqualTo("backend_unavailable");
            assertThat(retry.path("to").asText()).isEqualTo("good");
            assertThat(retry.path("why").asText()).isEqualTo("strategy");
            assertThat(retry.path("strategy").asText()).isEqualTo("round_robin");
            assertThat(candidates(retry, "name")).containsExactly("good");
            assertThat(TraceSteps.names(trace).indexOf("retry")).isGreaterThan(TraceSteps.names(trace).indexOf("backend"));
        }
    }

    private static BackendSpec http(String name, URI url) {
        return BackendSpec.http(name, HttpBackendSettings.of(url), 1, Duration.ofSeconds(5));
    }

    /** A port nothing listens on: a connection to it is refused, before any run could start. */
    private static URI deadUrl() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/runs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
