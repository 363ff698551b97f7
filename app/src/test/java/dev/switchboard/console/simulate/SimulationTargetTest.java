package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulationTargetTest {
    private static final String SECRET = "a-test-secret-of-at-least-thirty-two-bytes!";

    private EmbeddedFeed feed;

    @AfterEach
    void closeFeed() {
        if (feed != null) {
            feed.close();
        }
    }

    private static Scenario smoke() throws Exception {
        return Scenario.read(ScenarioCatalog.find(Path.of("")).directory().resolve("smoke.json"));
    }

    private static SimulationTarget resolve(ConsoleFeed feed, String secretEnv, Map<String, String> env)
            throws Exception {
        return SimulationTarget.resolve(feed, smoke(), secretEnv, env::get).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void usersOfADevAuthRouterConnectWithUserParameterAndNoToken() throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());

        SimulationTarget target = resolve(feed, "", Map.of());

        assertThat(target.clientUri()).isEqualTo(feed.router().clientUri());
        assertThat(target.tokens()).isNull();
        assertThat(target.how()).isEqualTo("dev auth (?user=)");
    }

    @Test
    void everyUserOfARouterWithASecretGetsItsOwnIssuedTokenAndTheSmokeScenarioPasses() throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).devAuth(false).jwtSecret(SECRET).build());

        SimulationTarget target = resolve(feed, "", Map.of());
        SimReport report;
        try (Simulation simulation = new Simulation(target.clientUri(), smoke(), target.tokens())) {
            report = simulation.start().report().get(60, TimeUnit.SECONDS);
        }

        assertThat(target.tokens()).isNotNull();
        assertThat(new TokenService(SECRET, Clock.systemUTC()).verify(target.tokens().apply("smoke-3")).userId())
                .isEqualTo("smoke-3");
        assertThat(report.passed()).as(report.table()).isTrue();
        assertThat(report.userRows()).hasSize(5);
    }

    @Test
    void mintsTokensWithTheSecretFromTheNamedEnvironmentVariable() throws Exception {
        feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).devAuth(false).jwtSecret(SECRET).build());

        SimulationTarget target = resolve(feed, "SIM_SECRET", Map.of("SIM_SECRET", SECRET));

        assertThat(target.how()).contains("$SIM_SECRET");
        assertThat(new TokenService(SECRET, Clock.systemUTC()).verify(target.tokens().apply("anyone")).userId())
                .isEqualTo("anyone");
        assertThatThrownBy(() -> resolve(feed, "NOT_SET", Map.of()))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("NOT_SET is not set");
    }

    @Test
    void aSavedSessionOrARefusingRouterCannotBeSimulatedAgainstAndSaysWhy() {
        assertThatThrownBy(() -> resolve(new StubFeed("a saved session has no router to send to", null), "", Map.of()))
                .hasMessageContaining("simulation needs a live router: a saved session has no router to send to");
        assertThatThrownBy(() -> resolve(new StubFeed(null,
                new IllegalStateException("the router refused: forbidden (this command needs the operator role)")), "", Map.of()))
                .hasMessageContaining("forbidden").hasMessageContaining("operator token");
    }

    /** A feed that cannot connect as a user: unavailable, or refusing {@code issue_token}. */
    private record StubFeed(String unavailable, RuntimeException refusal) implements ConsoleFeed {
        @Override
        public String source() {
            return "stub";
        }

        @Override
        public void start(Consumer<MonitorFrame> frames, Consumer<FeedStatus> status) {
        }

        @Override
        public CompletionStage<ObjectNode> command(JsonNode command) {
            return CompletableFuture.failedFuture(refusal);
        }

        @Override
        public CompletionStage<UserEndpoint> userEndpoint(String userId) {
            return CompletableFuture.failedFuture(refusal);
        }

        @Override
        public String injectionUnavailable() {
            return unavailable;
        }

        @Override
        public void close() {
        }
    }
}
