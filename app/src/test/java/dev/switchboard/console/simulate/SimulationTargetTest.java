package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.RemoteFeed;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.support.TestRouters;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
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
    void aRemoteConsoleGetsTheTokensOfManyUsersWithinTheMonitorsCommandRate() throws Exception {
        // one issue_token per user took a remote console past 10 commands a second: refused at 11 users
        try (Router router = TestRouters.start(config -> config.httpPort(-1).devAuth(false).jwtSecret(SECRET));
             RemoteFeed remote = new RemoteFeed(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"),
                     new TokenService(SECRET, Clock.systemUTC()).mint("oncall", Role.OPERATOR, Duration.ofMinutes(5)))) {
            List<FeedStatus> statuses = new CopyOnWriteArrayList<>();
            remote.start(document -> { }, statuses::add);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> statuses.stream()
                    .anyMatch(status -> status.state() == FeedStatus.State.CONNECTED));
            Scenario many = ScenarioCatalog.withUsers(smoke(), 1_500);

            SimulationTarget target = SimulationTarget.resolve(remote, many, "", name -> null)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);

            TokenService verifier = new TokenService(SECRET, Clock.systemUTC());
            assertThat(verifier.verify(target.tokens().apply("smoke-0")).userId()).isEqualTo("smoke-0");
            assertThat(verifier.verify(target.tokens().apply("smoke-1499")).userId()).isEqualTo("smoke-1499");
            // a user the scenario did not name is fetched with the others
            assertThat(verifier.verify(target.tokens().apply("late-1")).userId()).isEqualTo("late-1");
        }
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
