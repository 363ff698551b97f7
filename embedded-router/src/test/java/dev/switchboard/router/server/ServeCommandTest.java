package dev.switchboard.router.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.WsClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server and the token tool, run as separate processes as a user would run them. */
class ServeCommandTest {
    private static final String SECRET = "serve-test-secret-at-least-32-bytes-long";
    private static final Pattern LISTENING = Pattern.compile("listening on (ws://\\S+)");

    private static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(TokenService.SECRET_ENV, SECRET);
        return builder;
    }

    @Test
    void serveRunsUntilSigtermThenCancelsRunsClosesWith1001AndExitsZero(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("router.yaml");
        Files.writeString(config, "port: 0\nhttp_port: 0\nagent:\n  step_ms: 400\n");
        Process server = java("serve", "--config", config.toString(), "--dev-auth")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = stdout(server);
            URI uri = URI.create(awaitLine(out, LISTENING).group(1));
            try (WsClient alice = WsClient.connect(uri, "alice")) {
                alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hello")));
                String runId = alice.awaitReply("m").path("run_id").asText();
                alice.awaitType("agent_started");

                server.destroy();

                List<JsonNode> events = alice.awaitRun(runId);
                assertThat(events.get(events.size() - 1).path("data").path("status").asText()).isEqualTo("cancelled");
                assertThat(alice.awaitClose()).isEqualTo(1001);
            }
            assertThat(server.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void serveWarmsUpBeforeItListensAndItsMetricsCountNoneOfTheWarmup(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("router.yaml");
        Files.writeString(config, "port: 0\nhttp_port: 0\nwarmup_seconds: 1\n");
        Process server = java("serve", "--config", config.toString(), "--dev-auth")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = stdout(server);
            assertThat(awaitLine(out, Pattern.compile("^Warming up for (.+) on a private loopback router")).group(1))
                    .isEqualTo("1 s");
            Matcher warmed = awaitLine(out, Pattern.compile(
                    "^Warmed up in [0-9.]+ s: ([0-9,]+) messages answered, ([0-9,]+) agent runs, ([0-9,]+) connections,"
                            + " ([0-9,]+) errors"));
            assertThat(Long.parseLong(warmed.group(1).replace(",", ""))).isPositive();
            assertThat(Long.parseLong(warmed.group(2).replace(",", ""))).isPositive();
            assertThat(Long.parseLong(warmed.group(3).replace(",", ""))).isGreaterThanOrEqualTo(32);
            assertThat(warmed.group(4)).isEqualTo("0");
            URI uri = URI.create(awaitLine(out, LISTENING).group(1));
            int httpPort = Integer.parseInt(awaitLine(out, Pattern.compile("Health and metrics on http://[^:]+:(\\d+)"))
                    .group(1));

            assertThat(metricSum(httpPort, "switchboard_messages_received_total")).isZero();
            assertThat(metricSum(httpPort, "switchboard_runs_started_total")).isZero();
            try (WsClient alice = WsClient.connect(uri, "alice")) {
                alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hello")));
                alice.awaitReply("m");
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(metricSum(httpPort, "switchboard_messages_received_total")).isEqualTo(1);
                assertThat(metricSum(httpPort, "switchboard_runs_started_total")).isEqualTo(1);
            });
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void sigtermDuringTheWarmupExitsZeroWithoutEverListening() throws Exception {
        Process server = java("serve", "--port", "0", "--http-port", "-1", "--warmup", "120s")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = stdout(server);
            awaitLine(out, Pattern.compile("^Warming up for 120 s"));

            server.toHandle().destroy(); // SIGTERM, leaving its output open to read (Process.destroy closes it)

            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the warm-up ends at once, not after 120 s").isTrue();
            List<String> rest = out.lines().toList();
            assertThat(server.exitValue()).isZero();
            assertThat(rest).contains("Stopped during the warm-up; never listened")
                    .noneMatch(line -> line.contains("listening on"));
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void serveRefusesAWarmupLongerThanFiveMinutes() throws Exception {
        Process server = java("serve", "--warmup", "301s").redirectErrorStream(true).start();
        String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(server.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isEqualTo(2);
        assertThat(output).contains("--warmup must be 0 to 300s");
    }

    @Test
    void serveRefusesAnUnknownConfigKey(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("router.yaml");
        Files.writeString(config, "prot: 9000\n");
        Process server = java("serve", "--config", config.toString()).redirectErrorStream(true).start();
        String output = new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(server.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isEqualTo(2);
        assertThat(output).contains("prot");
    }

    @Test
    void tokenPrintsAJwtTheRouterAccepts() throws Exception {
        Process token = java("token", "--user", "alice", "--role", "operator", "--ttl", "15m").start();
        String jwt = new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(token.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(token.exitValue()).isZero();
        Principal principal = new TokenService(SECRET, Clock.systemUTC()).verify(jwt);
        assertThat(principal).isEqualTo(new Principal("alice", Role.OPERATOR));
    }

    @Test
    void tokenRefusesAnUnknownRole() throws Exception {
        Process token = java("token", "--user", "alice", "--role", "admin").redirectErrorStream(true).start();
        String output = new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(token.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(token.exitValue()).isEqualTo(2);
        assertThat(output).contains("viewer or operator");
    }

    /** The sum of every sample of {@code name} on the router's {@code /metrics}. */
    private static double metricSum(int httpPort, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static BufferedReader stdout(Process server) {
        return new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    }

    private static Matcher awaitLine(BufferedReader reader, Pattern pattern) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new AssertionError("the server exited without printing " + pattern);
    }
}
