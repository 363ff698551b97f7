package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.cli.ConsoleCli;
import dev.switchboard.router.support.EmbeddedRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench --only cluster --smoke}: nodes in JVMs of their own on a real redis-server (the one the
 * embedded-redis jar ships), a few users at small rates; every phase reports real figures and loses nothing.
 */
class ClusterBenchTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 240)
    void smokeDeliversEveryEventToBothNodesAndReportsSameAndCrossNodeLatency() throws Exception {
        StringWriter out = new StringWriter();
        Path report = dir.resolve("cluster.json");

        int exit;
        try (EmbeddedRedis redis = EmbeddedRedis.start()) {
            exit = new CommandLine(new ConsoleCli()).setOut(new PrintWriter(out, true)).execute("bench", "--only", "cluster",
                    "--smoke", "--redis", redis.url(), "--report", report.toString(),
                    // a limit no round can keep: the saturation step fails, and two halfway steps follow it
                    "--cluster-p99-limit-ms", "0.001");
        }

        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("cluster mode", "cluster_cross_p99_over_same_ms", "cluster_cross_events_per_s");
        JsonNode cluster = new ObjectMapper().readTree(report.toFile()).path("cluster");
        assertThat(cluster.at("/setup/events_per_run").asDouble()).isPositive();
        JsonNode round = cluster.path("two_nodes").get(0);
        assertThat(round.path("runs_completed").asLong()).isEqualTo(round.path("runs_started").asLong()).isPositive();
        assertThat(round.path("lost").asLong()).isZero();
        assertThat(round.path("errors").asLong()).isZero();
        assertThat(round.at("/same/events").asLong()).isPositive().isEqualTo(round.at("/cross/events").asLong());
        assertThat(round.at("/cross/p99_ms").asDouble()).isPositive();
        assertThat(round.at("/cluster_metrics/n1/forwarded").asLong()).isEqualTo(round.at("/cross/events").asLong());
        JsonNode steps = cluster.at("/saturation/steps");
        org.assertj.core.data.Percentage within10Percent = org.assertj.core.data.Percentage.withPercentage(10);
        assertThat(steps).hasSize(3);
        assertThat(steps.get(0).path("refinement").asBoolean()).isFalse();
        assertThat(steps.get(1).path("refinement").asBoolean()).isTrue();
        assertThat(steps.get(2).path("refinement").asBoolean()).isTrue();
        // 2 x the latency rate failed, then 1.5 x, then 1.25 x (each halfway from 1 x, which did not keep the limit either)
        double doubled = steps.get(0).path("offered_cross_events_per_s").asDouble();
        assertThat(steps.get(1).path("offered_cross_events_per_s").asDouble()).isCloseTo(0.75 * doubled, within10Percent);
        assertThat(steps.get(2).path("offered_cross_events_per_s").asDouble()).isCloseTo(0.625 * doubled, within10Percent);
        assertThat(cluster.at("/saturation/highest_cross_events_per_s_without_loss").asLong()).isZero();
        assertThat(cluster.at("/saturation/stopped_because").asText()).contains("cross-node p99");
        assertThat(out.toString()).contains("  halfway ");
        JsonNode three = cluster.at("/three_nodes/three_node_rounds/0");
        assertThat(three.path("nodes_with_users").asInt()).isEqualTo(3);
        assertThat(three.at("/cross/events").asLong()).isEqualTo(2 * three.at("/same/events").asLong());
        JsonNode two = cluster.at("/three_nodes/two_node_rounds/0");
        assertThat(two.path("nodes_with_users").asInt()).isEqualTo(2);
        assertThat(two.at("/cluster_metrics/n3/received").asLong()).as("events sent to n3 with no user there").isZero();
        assertThat(Duration.ofSeconds(cluster.at("/setup/duration_s").asLong())).isLessThan(Duration.ofMinutes(3));
    }
}
