package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.support.TestRouters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulationTest {
    static final Path SCENARIOS = Path.of("..", "src", "scenarios");

    private Router router;

    @AfterEach
    void stopRouter() {
        if (router != null) {
            router.stop();
        }
    }

    @Test
    void smokePassesWithEveryRunCompleteAndNoIsolationViolation() throws Exception {
        router = TestRouters.start(config -> config.httpPort(-1));

        SimReport report;
        try (Simulation simulation = new Simulation(router.clientUri(), Scenario.read(SCENARIOS.resolve("smoke.json")), null)) {
            report = simulation.start().report().get(60, TimeUnit.SECONDS);
        }

        assertThat(report.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.toString()).isTrue());
        assertThat(report.passed()).isTrue();
        assertThat(report.sent()).isEqualTo(100);
        assertThat(report.isolationViolations()).isZero();
        assertThat(report.runsStarted()).isPositive();
        assertThat(report.runsByStatus()).containsEntry("completed", report.runsStarted());
        assertThat(report.latency().get("ack").count()).isEqualTo(report.runsStarted());
        assertThat(report.latency().get("run").count()).isEqualTo(report.runsStarted());
        assertThat(report.latency().get("ping").count()).isPositive();
        assertThat(report.userRows()).hasSize(5).allSatisfy(row -> assertThat(row.sent()).isEqualTo(20));
        assertThat(router.stats().byType().keySet()).contains("user_message", "ping", "validate_content");
    }

    @Test
    void aRouterThatSendsARunToTheWrongUserIsCaught() throws Exception {
        router = TestRouters.start(config -> config.httpPort(-1));
        AtomicInteger leaks = new AtomicInteger();
        LeakingPing.install(router, leaks);
        Scenario scenario = Scenario.parse(new ObjectMapper().readTree("""
                {"name":"leak","users":2,"user_prefix":"leaky","messages_per_user":6,
                 "think_time":{"distribution":"fixed","mean_ms":10},"mix":{"ping":1}}"""), "leak");

        SimReport report;
        try (Simulation simulation = new Simulation(router.clientUri(), scenario, null)) {
            report = simulation.start().report().get(30, TimeUnit.SECONDS);
        }

        assertThat(leaks.get()).isEqualTo(12);
        assertThat(report.isolationViolations()).isEqualTo(12);
        assertThat(report.passed()).isFalse();
        assertThat(report.checks()).filteredOn(check -> check.name().equals("isolation"))
                .singleElement().satisfies(check -> assertThat(check.passed()).isFalse());
        assertThat(report.problems()).anyMatch(problem -> problem.contains("run-leak-"));
        assertThat(report.userRows()).allSatisfy(row -> assertThat(row.isolationViolations()).isEqualTo(6));
    }

    @Test
    void usersThatCannotConnectEndTheRunWithAFailedCheck() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Scenario scenario = Scenario.parse(new ObjectMapper().readTree("""
                {"name":"nobody-home","users":3,"messages_per_user":5,
                 "think_time":{"distribution":"fixed","mean_ms":10},"mix":{"ping":1}}"""), "nobody-home");

        SimReport report;
        try (Simulation simulation = new Simulation(java.net.URI.create("ws://127.0.0.1:" + closedPort + "/ws"),
                scenario, null)) {
            report = simulation.start().report().get(30, TimeUnit.SECONDS);
        }

        assertThat(report.passed()).isFalse();
        assertThat(report.connectionFailures()).isEqualTo(3);
        assertThat(report.sent()).isZero();
        assertThat(report.checks()).filteredOn(check -> check.name().equals("connections"))
                .singleElement().satisfies(check -> assertThat(check.passed()).isFalse());
    }

    @Test
    void aConnectionClosedMidRunIsCountedAsInterruptedNotAsAViolation() throws Exception {
        router = TestRouters.start(config -> config.httpPort(-1)
                .agent(dev.switchboard.router.agents.SimulatedAgent.Settings.defaults().withStepDelay(Duration.ofMillis(150))));
        Scenario scenario = Scenario.parse(new ObjectMapper().readTree("""
                {"name":"cut","users":1,"user_prefix":"cut","connections_per_user":2,"messages_per_user":8,
                 "think_time":{"distribution":"fixed","mean_ms":40},"mix":{"user_message":1},"reconnect":true,
                 "expect":{"max_connections_closed":1}}"""), "cut");

        SimReport report;
        try (Simulation simulation = new Simulation(router.clientUri(), scenario, null)) {
            simulation.start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> router.runsInFlight().size() >= 2);
            // close a connection that started a run still in flight (the router cancels that run)
            String first = router.runsInFlight().get(0).connectionId();
            router.monitorCommand(new ObjectMapper().readTree("{\"type\":\"disconnect\",\"connection_id\":\"" + first + "\"}"));
            report = simulation.report().get(60, TimeUnit.SECONDS);
        }

        assertThat(report.connectionsLost()).isEqualTo(1);
        assertThat(report.interrupted()).isPositive();
        assertThat(report.isolationViolations()).as(report.problems().toString()).isZero();
        assertThat(report.runsOutOfOrder()).as(report.table()).isZero();
        assertThat(report.runsIncomplete()).as(report.table()).isZero();
        assertThat(report.passed()).as(report.table()).isTrue();
    }

    @Test
    void aRouterThatClosesConnectionsFailsTheRunUnlessTheScenarioAllowsIt() throws Exception {
        router = TestRouters.start(config -> config.httpPort(-1));
        Scenario scenario = Scenario.parse(new ObjectMapper().readTree("""
                {"name":"closed","users":1,"user_prefix":"closed","messages_per_user":200,
                 "think_time":{"distribution":"fixed","mean_ms":20},"mix":{"ping":1}}"""), "closed");

        SimReport report;
        try (Simulation simulation = new Simulation(router.clientUri(), scenario, null)) {
            simulation.start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> simulation.progress().sent() >= 5);
            router.monitorCommand(new ObjectMapper().readTree("{\"type\":\"disconnect_user\",\"user_id\":\"closed-0\"}"));
            report = simulation.report().get(30, TimeUnit.SECONDS);
        }

        assertThat(report.sent()).isLessThan(200);
        assertThat(report.passed()).isFalse();
        assertThat(report.checks()).filteredOn(check -> check.name().equals("connections")).singleElement()
                .satisfies(check -> assertThat(check.detail()).contains("1 closed by the router (allowed 0)"));
    }

    @Test
    void aRouterThatIsNotThereIsReportedInWords() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Scenario scenario = Scenario.parse(new ObjectMapper().readTree("""
                {"name":"nobody","users":1,"messages_per_user":1,"mix":{"ping":1}}"""), "nobody");

        SimReport report;
        try (Simulation simulation = new Simulation(java.net.URI.create("ws://127.0.0.1:" + port + "/ws"), scenario, null)) {
            report = simulation.start().report().get(30, TimeUnit.SECONDS);
        }

        assertThat(report.problems()).anyMatch(problem -> problem.startsWith("connection of nobody-0 failed: cannot connect"))
                .noneMatch(problem -> problem.endsWith("null"));
    }
}
