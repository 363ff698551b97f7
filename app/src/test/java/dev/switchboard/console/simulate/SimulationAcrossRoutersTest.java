package dev.switchboard.console.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.support.TestRouters;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A simulation spread over two routers, as over the nodes of a cluster. The two routers here are
 * independent (no cluster between them): what holds without one is asserted, and a run's events
 * missing on the other router is what the checks must catch.
 */
class SimulationAcrossRoutersTest {
    private Router nodeA;
    private Router nodeB;

    @BeforeEach
    void startRouters() {
        nodeA = TestRouters.start(config -> config.httpPort(-1));
        nodeB = TestRouters.start(config -> config.httpPort(-1));
    }

    @AfterEach
    void stopRouters() {
        nodeA.stop();
        nodeB.stop();
    }

    private List<URI> urls() {
        return List.of(nodeA.clientUri(), nodeB.clientUri());
    }

    private static Scenario scenario(String json) throws Exception {
        return Scenario.parse(new ObjectMapper().readTree(json), "test");
    }

    /** Open connections per user id. */
    private static Map<String, Long> connectionsPerUser(Router router) {
        return router.connections().stream()
                .collect(Collectors.groupingBy(ConnectionInfo::userId, Collectors.counting()));
    }

    @Test
    void eachUserHoldsOneConnectionOnEachRouterAndTheReportCountsThemPerUrl() throws Exception {
        Scenario scenario = scenario("""
                {"name":"two-nodes","users":4,"user_prefix":"spread","connections_per_user":2,"messages_per_user":30,
                 "think_time":{"distribution":"fixed","mean_ms":30},
                 "mix":{"ping":2,"heartbeat":1,"validate_content":1}}""");
        Map<String, Long> everyUserOnce = Map.of("spread-0", 1L, "spread-1", 1L, "spread-2", 1L, "spread-3", 1L);

        SimReport report;
        try (Simulation simulation = new Simulation(urls(), scenario, null)) {
            simulation.start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(connectionsPerUser(nodeA)).isEqualTo(everyUserOnce);
                assertThat(connectionsPerUser(nodeB)).isEqualTo(everyUserOnce);
            });
            report = simulation.report().get(60, TimeUnit.SECONDS);
        }

        assertThat(report.passed()).as(report.table()).isTrue();
        assertThat(report.urls()).containsExactly(nodeA.clientUri().toString(), nodeB.clientUri().toString());
        assertThat(report.connectionsByUrl()).containsExactly(
                new SimReport.UrlConnections(nodeA.clientUri().toString(), 4, 0, 0),
                new SimReport.UrlConnections(nodeB.clientUri().toString(), 4, 0, 0));
        assertThat(report.connectionsOpened()).isEqualTo(8);
        // messages go round robin over a user's connections: both routers answer
        assertThat(nodeA.stats().byType()).containsKey("ping");
        assertThat(nodeB.stats().byType()).containsKey("ping");
        assertThat(report.table()).contains("connections by url", nodeA.clientUri() + "  opened 4  failed 0");
        // the users say goodbye: every connection ends with a clean 1000 on the router's side, none with 1006
        for (var node : List.of(nodeA, nodeB)) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> node.transportStats().closes(1000) == 4);
            assertThat(node.transportStats().closes(1006)).as("connections dropped without a close").isZero();
        }
    }

    @Test
    void usersWithOneConnectionEachAlternateBetweenTheRouters() throws Exception {
        Scenario scenario = scenario("""
                {"name":"alternate","users":4,"user_prefix":"alt","messages_per_user":20,
                 "think_time":{"distribution":"fixed","mean_ms":50},
                 "mix":{"ping":2,"heartbeat":1,"validate_content":1}}""");

        SimReport report;
        try (Simulation simulation = new Simulation(urls(), scenario, null)) {
            simulation.start();
            // user i goes to URL i mod 2
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(connectionsPerUser(nodeA)).isEqualTo(Map.of("alt-0", 1L, "alt-2", 1L));
                assertThat(connectionsPerUser(nodeB)).isEqualTo(Map.of("alt-1", 1L, "alt-3", 1L));
            });
            report = simulation.report().get(60, TimeUnit.SECONDS);
        }

        assertThat(report.passed()).as(report.table()).isTrue();
        assertThat(report.connectionsByUrl()).extracting(SimReport.UrlConnections::opened).containsExactly(2L, 2L);
    }

    @Test
    void withoutAClusterARunThatNeverReachesTheUsersOtherRouterFailsTheRunCheck() throws Exception {
        Scenario scenario = scenario("""
                {"name":"no-cluster","users":2,"user_prefix":"lone","connections_per_user":2,"messages_per_user":2,
                 "think_time":{"distribution":"fixed","mean_ms":20},"mix":{"user_message":1},"drain_ms":1500}""");

        SimReport report;
        try (Simulation simulation = new Simulation(urls(), scenario, null)) {
            report = simulation.start().report().get(60, TimeUnit.SECONDS);
        }

        // each run completed where it started, and its events never reached the user's connection on the other node
        assertThat(report.runsStarted()).isEqualTo(4);
        assertThat(report.runsByStatus()).containsEntry("completed", 4L);
        assertThat(report.runsNotOnEveryConnection()).as(report.table()).isEqualTo(4);
        assertThat(report.runsIncomplete()).isZero();
        assertThat(report.isolationViolations()).isZero();
        assertThat(report.passed()).isFalse();
        assertThat(report.checks()).filteredOn(check -> check.name().equals("runs_complete_in_order")).singleElement()
                .satisfies(check -> {
                    assertThat(check.passed()).isFalse();
                    assertThat(check.detail()).endsWith("4 ended but never reached every connection of their user");
                });
    }

    @Test
    void aRunOfAnotherUserArrivingOnTheSecondRouterIsAnIsolationViolation() throws Exception {
        AtomicInteger leaks = new AtomicInteger();
        LeakingPing.install(nodeB, leaks); // node A is sound
        Scenario scenario = scenario("""
                {"name":"leak","users":2,"user_prefix":"leaky","connections_per_user":2,"messages_per_user":6,
                 "think_time":{"distribution":"fixed","mean_ms":10},"mix":{"ping":1}}""");

        SimReport report;
        try (Simulation simulation = new Simulation(urls(), scenario, null)) {
            report = simulation.start().report().get(30, TimeUnit.SECONDS);
        }

        // half of each user's pings go to node B (round robin over its two connections)
        assertThat(leaks.get()).isEqualTo(6);
        assertThat(report.isolationViolations()).isEqualTo(6);
        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).anyMatch(problem -> problem.contains("run-leak-"));
    }
}
