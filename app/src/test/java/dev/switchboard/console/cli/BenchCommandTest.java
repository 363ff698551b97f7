package dev.switchboard.console.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The benchmark in its tiny smoke configuration: every phase runs and reports real figures. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void smokeRunsEveryPhaseAndReportsSideBySide() throws Exception {
        StringWriter out = new StringWriter();
        Path report = dir.resolve("bench.json");

        int exit = new CommandLine(new ConsoleCli()).setOut(new PrintWriter(out, true))
                .execute("bench", "--smoke", "--idle", "50", "--report", report.toString());

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("closed loop, msg/s", "echo", "router", "in-process pipeline",
                "idle connections", "throughput_ratio", "alternating rounds");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        JsonNode sockets = json.path("sockets");
        JsonNode closed = sockets.path("closed_loop");
        assertThat(closed.path("rounds")).hasSize(1);
        for (String system : new String[] {"echo", "router"}) {
            JsonNode round = closed.path("rounds").path(0).path(system);
            assertThat(round.path("per_s").asLong()).as(system).isPositive();
            assertThat(round.path("errors").asLong()).as(system + " errors").isZero();
            JsonNode open = sockets.path("open_loop_50").path("rounds").path(0).path(system);
            // both systems are offered half the echo's highest rate
            assertThat(open.path("offered_per_s").asLong()).isCloseTo(
                    Math.round(closed.path("echo").path("per_s").asDouble() / 2), within(1L));
            assertThat(open.path("replies").asLong()).isPositive();
            assertThat(open.path("p99_ms").asDouble()).isPositive();
        }
        assertThat(sockets.path("open_loop_tail").path("offered_per_s").asLong()).isEqualTo(500);
        assertThat(json.path("targets").path("tail_p999_ratio").path("value").asDouble()).isPositive();

        JsonNode runs = json.path("runs");
        assertThat(runs.path("frames")).extracting(frame -> frame.path("type").asText()).contains("message_ack",
                "agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed");
        for (String variant : new String[] {"one_connection_per_user", "3_connections_per_user"}) {
            for (String system : new String[] {"echo", "router"}) {
                JsonNode saturated = runs.path(variant).path("saturation").path("rounds").path(0).path(system);
                assertThat(saturated.path("events_per_s").asLong()).as(variant + " " + system).isPositive();
                // the echo too: the sends Java-WebSocket used to leave queued for good are rescued (StalledWrites)
                assertThat(saturated.path("unfinished").asLong())
                        .as(variant + " " + system + " unfinished: " + saturated.path("unfinished_detail").asText()).isZero();
                assertThat(saturated.path("failed").asLong()).as(variant + " " + system + " failed").isZero();
                JsonNode half = runs.path(variant).path("half").path("rounds").path(0).path(system);
                assertThat(half.path("emit_samples").asLong()).as(variant + " " + system).isPositive();
                assertThat(half.path("start_samples").asLong()).as(variant + " " + system).isPositive();
            }
        }
        assertThat(out.toString()).contains("saturated, events/s", "run_events_ratio_3_conns");
        // each baseline's rescued sends are counted from its own log (0 in most runs)
        for (String phase : new String[] {"sockets", "runs", "backend"}) {
            assertThat(json.path(phase).path("baseline_stalled_sends_rescued").isIntegralNumber()).as(phase).isTrue();
        }

        assertThat(json.path("pipeline").path("per_s").asLong()).isPositive();
        assertThat(json.path("idle").path("held").asLong()).isEqualTo(50);
        assertThat(json.path("idle").path("rss_kb_before").asLong()).isPositive();
        assertThat(json.path("idle").path("rss_kb_after").asLong()).isPositive();
        JsonNode active = json.path("active");
        assertThat(active.path("held").asLong()).isEqualTo(50);
        assertThat(active.path("replies").asLong()).isPositive();
        assertThat(active.path("unanswered").asLong()).isZero();
        assertThat(active.path("rss_kb_after").asLong()).isPositive();
        assertThat(active.path("heap_kb_after").asLong()).as("live heap from jcmd").isPositive();
        assertThat(out.toString()).contains("active connections: 50 held");
        assertThat(json.path("targets").path("throughput_ratio").path("value").asDouble()).isPositive();
        JsonNode backend = json.path("backend");
        assertThat(backend.path("threads")).extracting(level -> level.path("concurrent_runs").asInt())
                .containsExactly(10, 20);
        assertThat(backend.path("threads")).allSatisfy(level -> assertThat(level.path("router_threads").asInt()).isPositive());
        assertThat(backend.path("paced").path("added_latency_samples").asLong()).isPositive();
        // the relay baseline, in rounds alternating with the router's
        assertThat(backend.path("paced").path("relay").path("added_latency_samples").asLong()).isPositive();
        assertThat(backend.path("paced").path("relay").path("failed_runs").asLong()).isZero();
        assertThat(backend.path("paced").path("pairs")).hasSize(1);
        assertThat(backend.path("paced").path("p99_ratio_to_relay").asDouble()).isPositive();
        // the router's own part of each event, from its metric, read around the same rounds
        assertThat(backend.path("paced").path("own_p99_ms").asDouble()).isPositive().isLessThan(10_000);
        assertThat(backend.path("saturated").path("own_p99_ms").asDouble()).isPositive().isLessThan(10_000);
        assertThat(backend.path("paced").has("relay")).isTrue();
        assertThat(backend.path("paced").path("relay").has("own_p99_ms")).isFalse();
        assertThat(backend.path("saturated").path("runs_per_s").asLong()).isPositive();
        assertThat(backend.path("saturated").path("failed_runs").asLong()).isZero();
        assertThat(out.toString()).contains("http backend", "backend_added_p99_ms", "backend_thread_growth",
                "paced, the relay baseline");
    }

    @Test
    void serversRunWithTheShippedServiceJavaOptions() throws Exception {
        String env = java.nio.file.Files.readString(Path.of("..", "packaging", "router", "router.env"));

        assertThat(env).contains("JAVA_OPTS=\"" + BenchCommand.SERVER_JAVA_OPTIONS + "\"");
    }
}
