package dev.switchboard.console.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.TestRouters;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        // A broken handler: answers ping, and also streams a run's first event to the next user.
        router.registerHandler("ping", (context, message) -> {
            context.reply(ServerEvent.of("pong"));
            String victim = context.userId().equals("leaky-0") ? "leaky-1" : "leaky-0";
            router.emitToUser(victim, ServerEvent.builder("agent_started").put("run_id", "run-leak-" + leaks.incrementAndGet())
                    .put("seq", 1).build());
        });
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
}
