package dev.switchboard.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.Main;
import dev.switchboard.router.Router;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.support.TestRouters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulateCommandTest {
    private static final Path SMOKE = Path.of("..", "src", "scenarios", "smoke.json");

    @TempDir
    Path dir;

    private Router router;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startRouter() {
        router = TestRouters.start(config -> config.httpPort(-1));
    }

    @AfterEach
    void stopRouter() {
        router.stop();
    }

    private int simulate(String... args) {
        return new CommandLine(new ConsoleCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void smokePassesAndWritesJsonAndCsvReports() throws Exception {
        Path report = dir.resolve("smoke.json");

        int exit = simulate("simulate", "--url", router.clientUri().toString(), "--scenario", SMOKE.toString(),
                "--report", report.toString(), "--progress-ms", "200");

        assertThat(exit).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("verdict: PASS", "isolation", "PASS", "ack", "p99 ms");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("verdict").asText()).isEqualTo("pass");
        assertThat(json.path("isolation_violations").asLong()).isZero();
        assertThat(json.path("throughput").path("sent").asLong()).isEqualTo(100);
        assertThat(json.path("latency_ms").path("ack").path("count").asLong()).isPositive();
        List<String> csv = Files.readAllLines(dir.resolve("smoke.csv"));
        assertThat(csv).hasSize(6);
        assertThat(csv.get(0)).startsWith("user,group,sent,received");
    }

    @Test
    void exitsOneAsAProcessWhenACheckFails() throws Exception {
        // Every user_message fails: the runs never start, so "no unexpected errors" fails.
        router.registerHandler("user_message", (context, message) -> context.fail(ErrorCode.UNAVAILABLE, "down for the test"));
        Path scenario = Files.writeString(dir.resolve("fail.json"), """
                {"users":2,"messages_per_user":3,"think_time":{"distribution":"fixed","mean_ms":5},
                 "mix":{"user_message":1}}""");
        Process process = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "simulate", "--url", router.clientUri().toString(), "--scenario", scenario.toString(),
                "--progress-ms", "0").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("no_unexpected_errors", "FAIL", "unavailable=6", "verdict: FAIL");
    }

    @Test
    void usersConnectWithTheirOwnTokensMintedFromTheSecretInTheNamedVariable() throws Exception {
        String secret = "a-secret-for-the-simulate-test-0123456789";
        Router secured = TestRouters.start(config -> config.httpPort(-1).devAuth(false).jwtSecret(secret));
        try {
            ProcessBuilder process = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "simulate", "--url", secured.clientUri().toString(), "--scenario",
                    SMOKE.toString(), "--token-secret-env", "SIM_TEST_SECRET", "--progress-ms", "0")
                    .redirectErrorStream(true);
            process.environment().put("SIM_TEST_SECRET", secret);
            Process running = process.start();
            String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(running.exitValue()).as(output).isZero();
            assertThat(output).contains("verdict: PASS", "0 failed (allowed 0)");
            assertThat(secured.stats().byType()).containsKey("user_message");
        } finally {
            secured.stop();
        }
    }

    @Test
    void repeatedUrlsSpreadEachUsersTwoConnectionsOverTwoRoutersAndReportEachUrl() throws Exception {
        Router second = TestRouters.start(config -> config.httpPort(-1));
        try {
            Path scenario = Files.writeString(dir.resolve("two-nodes.json"), """
                    {"name":"two-nodes","users":6,"connections_per_user":2,"messages_per_user":20,
                     "think_time":{"distribution":"fixed","mean_ms":50},
                     "mix":{"ping":2,"heartbeat":1,"validate_content":1}}""");
            Path report = dir.resolve("two-nodes-report.json");
            String first = router.clientUri().toString();
            String other = second.clientUri().toString();

            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> simulate("simulate", "--url", first,
                    "--url", other, "--scenario", scenario.toString(), "--report", report.toString(), "--progress-ms", "0"));
            // while it runs, each router holds one connection of every user
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(router.connections()).extracting(ConnectionInfo::userId)
                        .containsExactlyInAnyOrder("two-nodes-0", "two-nodes-1", "two-nodes-2", "two-nodes-3",
                                "two-nodes-4", "two-nodes-5");
                assertThat(second.connections()).extracting(ConnectionInfo::userId)
                        .containsExactlyInAnyOrder("two-nodes-0", "two-nodes-1", "two-nodes-2", "two-nodes-3",
                                "two-nodes-4", "two-nodes-5");
            });

            assertThat(exit.get(60, TimeUnit.SECONDS)).as(out + "\n" + err).isZero();
            assertThat(out.toString()).contains("against " + first + ", " + other, "connections by url",
                    first + "  opened 6  failed 0  closed by the router 0",
                    other + "  opened 6  failed 0  closed by the router 0", "verdict: PASS");
            JsonNode json = new ObjectMapper().readTree(report.toFile());
            JsonNode byUrl = json.path("connections").path("by_url");
            assertThat(byUrl).hasSize(2);
            assertThat(byUrl.get(0).path("url").asText()).isEqualTo(first);
            assertThat(byUrl.get(1).path("url").asText()).isEqualTo(other);
            assertThat(byUrl).allSatisfy(node -> {
                assertThat(node.path("opened").asLong()).isEqualTo(6);
                assertThat(node.path("failed").asLong()).isZero();
            });
        } finally {
            second.stop();
        }
    }

    @Test
    void aNodeThatIsDownShowsInItsUrlsFigures() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        String down = "ws://127.0.0.1:" + closedPort + "/ws";
        Path scenario = Files.writeString(dir.resolve("one-down.json"), """
                {"name":"one-down","users":4,"messages_per_user":5,
                 "think_time":{"distribution":"fixed","mean_ms":20},"mix":{"heartbeat":1}}""");
        Path report = dir.resolve("one-down-report.json");

        int exit = simulate("simulate", "--url", router.clientUri().toString(), "--url", down, "--scenario",
                scenario.toString(), "--report", report.toString(), "--progress-ms", "0");

        assertThat(exit).as(out + "\n" + err).isEqualTo(1);
        assertThat(out.toString()).contains(router.clientUri() + "  opened 2  failed 0", down + "  opened 0  failed 2",
                "connection of one-down-1 to " + down + " failed: cannot connect");
        JsonNode byUrl = new ObjectMapper().readTree(report.toFile()).path("connections").path("by_url");
        assertThat(byUrl.get(1).path("url").asText()).isEqualTo(down);
        assertThat(byUrl.get(1).path("failed").asLong()).isEqualTo(2);
        assertThat(byUrl.get(0).path("failed").asLong()).isZero();
    }

    @Test
    void aUrlGivenTwiceExitsTwo() throws Exception {
        String url = router.clientUri().toString();

        int exit = simulate("simulate", "--url", url, "--url", url, "--scenario", SMOKE.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("router URL given twice: " + url);
    }

    @Test
    void theOtherCommandsStillTakeOneUrl() {
        int exit = simulate("attack", "--url", "ws://127.0.0.1:1/ws", "--url", "ws://127.0.0.1:2/ws");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("should be specified only once");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void aBadScenarioExitsTwoWithTheReason() throws Exception {
        Path scenario = Files.writeString(dir.resolve("typo.json"), "{\"users\":2,\"messages_per_usr\":3}");

        int exit = simulate("simulate", "--url", router.clientUri().toString(), "--scenario", scenario.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown key 'messages_per_usr'");
    }

    @Test
    void shippedScenariosAllParse() throws Exception {
        try (var files = Files.list(SMOKE.getParent())) {
            List<Path> scenarios = files.filter(file -> file.toString().endsWith(".json")).toList();
            assertThat(scenarios).extracting(file -> file.getFileName().toString())
                    .contains("smoke.json", "chat-100.json", "soak-1000.json", "flood-one-user.json", "cluster-chat.json");
            for (Path file : scenarios) {
                assertThat(dev.switchboard.console.simulate.Scenario.read(file).totalUsers()).isPositive();
            }
        }
    }
}
