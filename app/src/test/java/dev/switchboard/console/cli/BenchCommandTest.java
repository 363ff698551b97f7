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
                "idle connections", "throughput_ratio");
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        for (String system : new String[] {"echo", "router"}) {
            JsonNode closed = json.path(system).path("closed_loop");
            assertThat(closed.path("per_s").asLong()).as(system).isPositive();
            assertThat(closed.path("errors").asLong()).as(system + " errors").isZero();
            JsonNode open = json.path(system).path("open_loop_50");
            // both systems are offered half the echo's highest rate (each figure rounded on its own)
            assertThat(open.path("offered_per_s").asLong()).isCloseTo(
                    Math.round(json.path("echo").path("closed_loop").path("per_s").asDouble() / 2), within(1L));
            assertThat(open.path("replies").asLong()).isPositive();
            assertThat(open.path("p99_ms").asDouble()).isPositive();
        }
        assertThat(json.path("pipeline").path("per_s").asLong()).isPositive();
        assertThat(json.path("idle").path("held").asLong()).isEqualTo(50);
        assertThat(json.path("idle").path("rss_kb_before").asLong()).isPositive();
        assertThat(json.path("idle").path("rss_kb_after").asLong()).isPositive();
        assertThat(json.path("targets").path("throughput_ratio").path("value").asDouble()).isPositive();
        JsonNode backend = json.path("backend");
        assertThat(backend.path("threads")).extracting(level -> level.path("concurrent_runs").asInt())
                .containsExactly(10, 20);
        assertThat(backend.path("threads")).allSatisfy(level -> assertThat(level.path("router_threads").asInt()).isPositive());
        assertThat(backend.path("paced").path("added_latency_samples").asLong()).isPositive();
        assertThat(backend.path("saturated").path("runs_per_s").asLong()).isPositive();
        assertThat(backend.path("saturated").path("failed_runs").asLong()).isZero();
        assertThat(out.toString()).contains("http backend", "backend_added_p99_ms", "backend_thread_growth");
    }
}
