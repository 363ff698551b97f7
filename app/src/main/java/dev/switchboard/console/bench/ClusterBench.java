package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Cluster mode measured: router nodes in JVMs of their own sharing one real Redis, users with a
 * connection on every node, runs started on the first node. Every run event reaches a user's
 * connection on the emitting node and, through Redis, on the others, so same-node and cross-node
 * delivery are measured on the same events under the same load.
 * <ol>
 *   <li>two nodes, {@code rounds} rounds at the rate giving {@code crossEventsPerSecond} cross-node events a
 *       second: latency p50/p99 of each kind of delivery, per round;</li>
 *   <li>two nodes, saturation: the rate raised in steps until events are lost, runs fail, the
 *       latency passes {@code p99LimitMs} or the nodes fall behind the schedule, then two steps each
 *       halving the interval between the last step that kept up and the first that did not;</li>
 *   <li>a third node joins: rounds alternate between users on all three nodes and users on two (the
 *       third node's connections closed), at the same run rate, for how cross-node cost grows.</li>
 * </ol>
 */
final class ClusterBench {
    private static final List<String> METRICS = List.of("switchboard_cluster_forwarded_total",
            "switchboard_cluster_undelivered_total", "switchboard_cluster_received_total");
    private static final Duration DRAIN = Duration.ofSeconds(10);
    private static final Duration PRESENCE_LIMIT = Duration.ofSeconds(30);
    /** A saturation step keeps up when its events reach the nodes at least this close to the schedule. */
    private static final double KEPT_UP = 0.95;
    /** Steps halving the interval between the last saturation step that kept up and the first that did not. */
    private static final int REFINEMENTS = 2;

    private final Bench.ClusterSettings settings;
    private final PrintWriter log;
    private final List<ChildRouter> nodes = new ArrayList<>();

    ClusterBench(Bench.ClusterSettings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
    }

    ObjectNode run() throws IOException, InterruptedException {
        ObjectNode json = Json.mapper().createObjectNode();
        long began = System.nanoTime();
        String loadBefore = loadAverage();
        try (BenchRedis redis = settings.redisUrl() != null ? BenchRedis.external(settings.redisUrl())
                : BenchRedis.startFromPath();
             ClusterLoad load = new ClusterLoad(settings.users(), Clock.systemUTC())) {
            Path config = config();
            try {
                ObjectNode setup = json.putObject("setup");
                setup.put("redis", redis.describe()).put("node_jvm", "-Xms64m -Xmx1g, own process each")
                        .put("users", settings.users()).put("round_s", settings.round().toMillis() / 1000.0)
                        .put("latency", "arrival (this JVM's wall clock) less the event's timestamp (the owner node's"
                                + " wall clock at emission): one machine, one clock");
                log(String.format("cluster: Redis %s; starting nodes n1, n2 ...", redis.describe()));
                startNode(redis, config, load);
                startNode(redis, config, load);
                awaitMembers(2);
                load.connect(0);
                load.connect(1);
                double eventsPerRun = load.awaitDelivery(PRESENCE_LIMIT);
                double runsPerSecond = settings.crossEventsPerSecond() / eventsPerRun;
                setup.put("events_per_run", eventsPerRun).put("latency_rounds_runs_per_s", Bench.round(runsPerSecond))
                        .put("latency_rounds_cross_events_per_s", settings.crossEventsPerSecond());
                log(String.format("cluster: %d users on n1 and n2, %.1f events a run; warm-up %d s ...", settings.users(),
                        eventsPerRun, settings.warmup().toSeconds()));
                load.run(runsPerSecond, settings.warmup(), DRAIN);
                ArrayNode twoNodes = json.putArray("two_nodes");
                for (int i = 1; i <= settings.rounds(); i++) {
                    twoNodes.add(measureRound(load, redis, runsPerSecond, "two nodes, round " + i));
                }
                json.set("two_nodes_median", medians(twoNodes));
                json.set("saturation", saturation(load, redis, runsPerSecond, twoNodes));
                json.set("three_nodes", threeNodes(load, redis, config, runsPerSecond));
                // the machine is shared: what else ran is part of the figures
                setup.put("load_average_before", loadBefore).put("load_average_after", loadAverage())
                        .put("duration_s", Math.round((System.nanoTime() - began) / 1e9));
            } finally {
                for (ChildRouter node : nodes) {
                    node.close();
                }
                Files.deleteIfExists(config);
            }
        }
        return json;
    }

    private void startNode(BenchRedis redis, Path config, ClusterLoad load) throws IOException, InterruptedException {
        String nodeId = "n" + (nodes.size() + 1);
        ChildRouter node = ChildRouter.start("1g", true, List.of("--config", config.toString(), "--cluster", redis.url(),
                "--node-id", nodeId));
        nodes.add(node);
        load.addNode(node.clientUri());
    }

    /** Waits until every node reaches Redis and sees {@code count} nodes up. */
    private void awaitMembers(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PRESENCE_LIMIT.toNanos();
        for (int i = 0; i < nodes.size(); i++) {
            ChildRouter.Health health = nodes.get(i).health();
            while (!"ok".equals(health.cluster()) || health.clusterNodes() != count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node n" + (i + 1) + " sees " + health.clusterNodes() + " of " + count
                            + " nodes (cluster " + health.cluster() + ") after " + PRESENCE_LIMIT.toSeconds()
                            + " s; its log: " + nodes.get(i).log());
                }
                Thread.sleep(100);
                health = nodes.get(i).health();
            }
        }
    }

    /** Rounds at 2, 3, … times the latency rate until one no longer delivers everything on time. */
    private ObjectNode saturation(ClusterLoad load, BenchRedis redis, double runsPerSecond, ArrayNode latencyRounds)
            throws IOException, InterruptedException {
        ObjectNode json = Json.mapper().createObjectNode();
        ArrayNode steps = json.putArray("steps");
        double highest = 0;
        for (JsonNode round : latencyRounds) {
            if (shortfall(round) == null) {
                highest = Math.max(highest, round.path("cross_events_per_s").asDouble());
            }
        }
        String stoppedBecause = "the last step (" + (settings.saturationSteps() + 1) + " x the latency rate) still kept up";
        double keptUp = 1;
        double failedAt = 0;
        for (int step = 2; step <= settings.saturationSteps() + 1; step++) {
            ObjectNode result = measureRound(load, redis, runsPerSecond * step, "saturation, " + step + " x");
            steps.add(result);
            String failure = shortfall(result);
            if (failure != null) {
                stoppedBecause = failure;
                failedAt = step;
                break;
            }
            keptUp = step;
            highest = Math.max(highest, result.path("cross_events_per_s").asDouble());
        }
        // the saturation point lies between the last step that kept up and the first that did not:
        // halve that interval a few times, so the figure is not one of the ladder's multiples
        for (int i = 0; i < REFINEMENTS && failedAt > 0; i++) {
            double middle = (keptUp + failedAt) / 2;
            // the step before failed: a round at the latency rate, not measured, lets the nodes
            // recover (queues, collections) so that this step does not start with its backlog
            load.run(runsPerSecond, settings.round(), DRAIN);
            ObjectNode result = measureRound(load, redis, runsPerSecond * middle,
                    String.format(java.util.Locale.ROOT, "saturation, %.2f x", middle));
            result.put("refinement", true);
            steps.add(result);
            if (shortfall(result) == null) {
                keptUp = middle;
                highest = Math.max(highest, result.path("cross_events_per_s").asDouble());
            } else {
                failedAt = middle;
            }
        }
        json.put("highest_cross_events_per_s_without_loss", Math.round(highest)).put("stopped_because", stoppedBecause);
        return json;
    }

    /** Why a round did not deliver everything on time, or null when it did. */
    private String shortfall(JsonNode round) {
        if (round.path("lost").asLong() > 0) {
            return round.path("lost").asLong() + " cross-node events lost";
        }
        if (round.path("duplicated").asLong() > 0) {
            return round.path("duplicated").asLong() + " cross-node events delivered twice";
        }
        if (round.path("errors").asLong() > 0 || round.path("connections_down").asLong() > 0) {
            return round.path("errors").asLong() + " error replies, " + round.path("connections_down").asLong()
                    + " connections down";
        }
        if (round.path("runs_completed").asLong() < round.path("runs_started").asLong()) {
            return (round.path("runs_started").asLong() - round.path("runs_completed").asLong())
                    + " runs did not complete within the drain time";
        }
        if (round.path("cross").path("p99_ms").asDouble() > settings.p99LimitMs()) {
            return "cross-node p99 " + round.path("cross").path("p99_ms").asDouble() + " ms over the limit of "
                    + settings.p99LimitMs() + " ms";
        }
        double offered = round.path("offered_cross_events_per_s").asDouble();
        if (round.path("cross_events_per_s").asDouble() < KEPT_UP * offered) {
            return "fell behind: " + round.path("cross_events_per_s").asLong() + " of " + Math.round(offered)
                    + " cross-node events/s offered";
        }
        return null;
    }

    /**
     * A third node joins; rounds alternate between users on three nodes and users on two (the third
     * node's connections closed, so nothing is forwarded to it), at the same run rate.
     */
    private ObjectNode threeNodes(ClusterLoad load, BenchRedis redis, Path config, double runsPerSecond)
            throws IOException, InterruptedException {
        log("cluster: starting n3 ...");
        startNode(redis, config, load);
        awaitMembers(3);
        load.connect(2);
        load.awaitDelivery(PRESENCE_LIMIT);
        load.run(runsPerSecond, settings.warmup(), DRAIN);
        ObjectNode json = Json.mapper().createObjectNode();
        ArrayNode three = json.putArray("three_node_rounds");
        ArrayNode two = json.putArray("two_node_rounds");
        for (int i = 1; i <= settings.rounds(); i++) {
            three.add(measureRound(load, redis, runsPerSecond, "users on n1, n2, n3, round " + i));
            load.disconnect(2);
            awaitNoUsers(nodes.get(2));
            two.add(measureRound(load, redis, runsPerSecond, "users on n1, n2 (n3 idle), round " + i));
            if (i < settings.rounds()) {
                load.connect(2);
                load.awaitDelivery(PRESENCE_LIMIT);
            }
        }
        json.set("three_node_median", medians(three));
        json.set("two_node_median", medians(two));
        return json;
    }

    /** Waits until {@code node} holds no user (each close reached it, and it told the others). */
    private static void awaitNoUsers(ChildRouter node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PRESENCE_LIMIT.toNanos();
        while (node.health().users() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500); // the other nodes hear of it through Redis a moment later
    }

    /** One round, with each node's and Redis's CPU and cluster counters over it. */
    private ObjectNode measureRound(ClusterLoad load, BenchRedis redis, double runsPerSecond, String label)
            throws IOException, InterruptedException {
        Map<String, Long> cpuBefore = cpu(redis);
        List<Map<String, Double>> metricsBefore = metrics();
        long began = System.nanoTime();
        ClusterLoad.Round round = load.run(runsPerSecond, settings.round(), DRAIN);
        double wall = (System.nanoTime() - began) / 1e9;
        Map<String, Long> cpuAfter = cpu(redis);
        List<Map<String, Double>> metricsAfter = metrics();

        int remoteNodes = round.connectedNodes().size() - 1;
        Histogram same = round.latency()[0];
        Histogram cross = round.crossNode();
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("nodes_with_users", round.connectedNodes().size())
                .put("offered_runs_per_s", Bench.round(runsPerSecond))
                .put("offered_cross_events_per_s", Math.round(round.events()[0] * remoteNodes / round.seconds()))
                .put("cross_events_per_s", Math.round(round.crossEvents() / wall))
                .put("runs_started", round.started()).put("runs_completed", round.completed())
                .put("errors", round.errors()).put("connections_down", round.connectionsDown())
                .put("lost", round.crossLost()).put("duplicated", round.crossRepeated()).put("drain_s", Bench.round(wall - round.seconds()));
        json.set("same", latency(same, round.events()[0]));
        json.set("cross", latency(cross, round.crossEvents()));
        json.set("start_lag", latency(round.startLag(), round.acked()));
        ObjectNode cpu = json.putObject("cpu_percent");
        cpuAfter.forEach((process, after) -> {
            long before = cpuBefore.getOrDefault(process, -1L);
            if (before >= 0 && after >= 0) {
                cpu.put(process, Bench.round((after - before) / 10.0 / wall));
            }
        });
        ObjectNode counters = json.putObject("cluster_metrics");
        for (int i = 0; i < nodes.size(); i++) {
            ObjectNode node = counters.putObject("n" + (i + 1));
            for (String name : METRICS) {
                double delta = metricsAfter.get(i).getOrDefault(name, 0.0) - metricsBefore.get(i).getOrDefault(name, 0.0);
                node.put(name.replace("switchboard_cluster_", "").replace("_total", ""), Math.round(delta));
            }
        }
        log(String.format("cluster: %-34s %,7d cross events/s: same p50 %.2f p99 %.2f ms, cross p50 %.2f p99 %.2f ms,"
                        + " lost %d, duplicated %d, errors %d", label, json.path("cross_events_per_s").asLong(),
                json.path("same").path("p50_ms").asDouble(), json.path("same").path("p99_ms").asDouble(),
                json.path("cross").path("p50_ms").asDouble(), json.path("cross").path("p99_ms").asDouble(),
                round.crossLost(), round.crossRepeated(), round.errors()));
        return json;
    }

    private Map<String, Long> cpu(BenchRedis redis) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            cpu.put("n" + (i + 1), nodes.get(i).cpuMillis());
        }
        cpu.put("redis", redis.cpuMillis());
        cpu.put("bench", ChildProcess.cpuMillis(ProcessHandle.current().pid()));
        return cpu;
    }

    private List<Map<String, Double>> metrics() throws IOException, InterruptedException {
        List<Map<String, Double>> all = new ArrayList<>();
        for (ChildRouter node : nodes) {
            all.add(node.metrics(METRICS));
        }
        return all;
    }

    private static ObjectNode latency(Histogram histogram, long count) {
        return Json.mapper().createObjectNode().put("events", count)
                .put("p50_ms", histogram.getValueAtPercentile(50) / 1000.0)
                .put("p99_ms", histogram.getValueAtPercentile(99) / 1000.0)
                .put("p999_ms", histogram.getValueAtPercentile(99.9) / 1000.0)
                .put("max_ms", histogram.getMaxValue() / 1000.0);
    }

    /** The median over rounds of each figure the summary uses, and of each round's cross-node p99 less its same-node p99. */
    private static ObjectNode medians(ArrayNode rounds) {
        ObjectNode json = Json.mapper().createObjectNode();
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("same_p50_ms", "/same/p50_ms");
        figures.put("same_p99_ms", "/same/p99_ms");
        figures.put("cross_p50_ms", "/cross/p50_ms");
        figures.put("cross_p99_ms", "/cross/p99_ms");
        figures.put("cross_events_per_s", "/cross_events_per_s");
        figures.put("lost", "/lost");
        figures.forEach((name, pointer) -> json.put(name, Bench.median(values(rounds, round -> round.at(pointer).asDouble()))));
        json.put("cross_minus_same_p99_ms", Bench.round(Bench.median(values(rounds, round ->
                round.at("/cross/p99_ms").asDouble() - round.at("/same/p99_ms").asDouble()))));
        for (String process : new String[] {"n1", "n2", "n3", "redis", "bench"}) {
            if (rounds.size() > 0 && rounds.get(0).path("cpu_percent").has(process)) {
                json.put("cpu_percent_" + process, Bench.median(values(rounds,
                        round -> round.path("cpu_percent").path(process).asDouble())));
            }
        }
        long lostInAll = 0;
        for (JsonNode round : rounds) {
            lostInAll += round.path("lost").asLong() + round.path("duplicated").asLong() + round.path("errors").asLong();
        }
        json.put("lost_duplicated_or_failed", lostInAll);
        return json;
    }

    private static double[] values(ArrayNode rounds, java.util.function.ToDoubleFunction<JsonNode> figure) {
        double[] values = new double[rounds.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = figure.applyAsDouble(rounds.get(i));
        }
        return values;
    }

    /** The cluster targets of the issue, met only where nothing was lost. */
    static void targets(JsonNode cluster, ObjectNode targets) {
        JsonNode median = cluster.path("two_nodes_median");
        double extra = median.path("cross_minus_same_p99_ms").asDouble();
        boolean clean = median.path("lost_duplicated_or_failed").asLong() == 0;
        Bench.target(targets, "cluster_cross_p99_over_same_ms", extra, "<= 2 ms", clean && extra <= 2);
        long most = cluster.path("saturation").path("highest_cross_events_per_s_without_loss").asLong();
        Bench.target(targets, "cluster_cross_events_per_s", most, ">= 20,000", most >= 20_000);
    }

    /** The cluster phase as text. */
    static String table(JsonNode cluster) {
        StringBuilder out = new StringBuilder();
        JsonNode setup = cluster.path("setup");
        out.append(String.format("%ncluster mode: nodes in JVMs of their own, Redis %s; %d users, %.1f events a run;"
                        + " %d s; load average %s before, %s after%n", setup.path("redis").asText(),
                setup.path("users").asInt(), setup.path("events_per_run").asDouble(), setup.path("duration_s").asLong(),
                setup.path("load_average_before").asText(), setup.path("load_average_after").asText()));
        out.append(String.format("two nodes at %,d cross-node events/s (%,.0f runs/s started on n1), latency ms:%n",
                setup.path("latency_rounds_cross_events_per_s").asLong(), setup.path("latency_rounds_runs_per_s").asDouble()));
        roundHeader(out);
        cluster.path("two_nodes").forEach(round -> roundRow(out, "round", round));
        medianRow(out, "median", cluster.path("two_nodes_median"));
        JsonNode saturation = cluster.path("saturation");
        out.append("saturation, two nodes:\n");
        saturation.path("steps").forEach(step -> roundRow(out, step.path("refinement").asBoolean() ? "halfway" : "step",
                step));
        out.append(String.format("  highest cross-node events/s without loss: %,d (stopped: %s)%n",
                saturation.path("highest_cross_events_per_s_without_loss").asLong(),
                saturation.path("stopped_because").asText()));
        JsonNode three = cluster.path("three_nodes");
        if (!three.isMissingNode()) {
            out.append("the same run rate with users on three nodes and on two (n3 idle), alternating:\n");
            roundHeader(out);
            for (int i = 0; i < three.path("three_node_rounds").size(); i++) {
                roundRow(out, "3 nodes", three.path("three_node_rounds").get(i));
                roundRow(out, "2 nodes", three.path("two_node_rounds").get(i));
            }
            medianRow(out, "median 3", three.path("three_node_median"));
            medianRow(out, "median 2", three.path("two_node_median"));
        }
        return out.toString();
    }

    private static void roundHeader(StringBuilder out) {
        out.append(String.format("  %-9s %10s %8s %8s %9s %9s %8s %6s %6s  %s%n", "", "cross ev/s", "same p50", "same p99",
                "cross p50", "cross p99", "x-s p99", "lost", "dup", "cpu %"));
    }

    private static void roundRow(StringBuilder out, String label, JsonNode round) {
        out.append(String.format("  %-9s %,10d %8.2f %8.2f %9.2f %9.2f %8.2f %6d %6d  %s%n", label,
                round.path("cross_events_per_s").asLong(), round.at("/same/p50_ms").asDouble(),
                round.at("/same/p99_ms").asDouble(), round.at("/cross/p50_ms").asDouble(),
                round.at("/cross/p99_ms").asDouble(),
                round.at("/cross/p99_ms").asDouble() - round.at("/same/p99_ms").asDouble(),
                round.path("lost").asLong(), round.path("duplicated").asLong(), round.path("cpu_percent")));
    }

    private static void medianRow(StringBuilder out, String label, JsonNode median) {
        out.append(String.format("  %-9s %,10d %8.2f %8.2f %9.2f %9.2f %8.2f %6d %6s%n", label,
                median.path("cross_events_per_s").asLong(), median.path("same_p50_ms").asDouble(),
                median.path("same_p99_ms").asDouble(), median.path("cross_p50_ms").asDouble(),
                median.path("cross_p99_ms").asDouble(), median.path("cross_minus_same_p99_ms").asDouble(),
                median.path("lost").asLong(), ""));
    }

    /** A router.yaml for every node: limits raised so the bench measures delivery, not refusals; agent steps of 0 ms. */
    private static Path config() throws IOException {
        return ChildRouter.config("bench-cluster-", List.of(
                "max_runs_in_flight: 1000000",
                "outbox_frames: 1000000",
                "outbox_bytes: 1073741824",
                "agent: {step_ms: 0}"));
    }

    /** {@code /proc/loadavg}'s 1, 5 and 15 minute averages, or "unknown". */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private void log(String line) {
        log.println(line);
        log.flush();
    }
}
