package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.bench.jmh.PipelineBenchmark;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmark: the router against a bare Java-WebSocket echo server, each in a JVM of its own, in
 * alternating rounds over loopback — request/reply ({@link SocketBench}) and run events pushed to
 * users ({@link RunBench}); the router's pipeline in process with no socket; the resident memory of
 * idle connections held by a router in a child process; http agent backends and cluster mode. Every
 * ratio compares figures measured in the same run.
 */
public final class Bench {
    /** The benchmarks of {@link PipelineBenchmark}, in the order the report lists them. */
    static final List<String> PIPELINE_BENCHMARKS = List.of("pipeline", "jsonOnly", "decode", "encodePong");

    private final Settings settings;
    private final PrintWriter log;
    private final ObjectMapper mapper = Json.mapper();

    /**
     * What to run.
     *
     * @param connections     load connections (one user each on the router)
     * @param frameBytes      request frame size
     * @param window          requests outstanding per connection in the closed loop
     * @param warmup          before each measured phase
     * @param measure         each measured phase
     * @param pipelineForks   JVMs per in-process workload
     * @param pipelineRounds  measured iterations per fork (after three warm-up ones)
     * @param pipelineIteration each iteration's length
     * @param idleConnections idle connections for the memory check (0: skip it)
     * @param activeConnections connections sending one message a second for the memory check (0: skip it)
     * @param activeBusy      how long they send before the memory is read
     * @param backendRuns     the most concurrent runs on the http backend (half of them for the latency phase)
     * @param backendGapMs    the example service's pause before each event in the latency phase
     * @param phases          which of pipeline, sockets, idle, backend, cluster to run
     * @param cluster         the cluster phase's settings (used only when {@code phases} holds {@code cluster})
     */
    public record Settings(int connections, int frameBytes, int window, Duration warmup, Duration measure,
                           int pipelineForks, int pipelineRounds, Duration pipelineIteration, int idleConnections,
                           int activeConnections, Duration activeBusy, int backendRuns,
                           long backendGapMs, Set<String> phases, ClusterSettings cluster, Rounds rounds) {
        /** The phases of a run without {@code --only}. */
        public static final Set<String> ALL = Set.of("pipeline", "sockets", "runs", "idle", "backend");
        /** Every phase; {@code cluster} needs a Redis, so only {@code --only cluster} runs it. */
        public static final Set<String> KNOWN = Set.of("pipeline", "sockets", "runs", "idle", "backend", "cluster");

        public Settings {
            Objects.requireNonNull(rounds, "rounds must not be null");
            phases = Set.copyOf(phases);
            for (String name : phases) {
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("no bench phase '" + name
                            + "' (pipeline, sockets, runs, idle, backend, cluster)");
                }
            }
            if (phases.contains("cluster")) {
                Objects.requireNonNull(cluster, "cluster must not be null when the cluster phase runs");
            }
        }
    }

    /**
     * The alternating rounds of the socket and run phases ({@code warmup} is each system's warm-up
     * before its first round, {@code measure} each round's measured part).
     *
     * @param pairs     rounds of each system per phase
     * @param leadIn    the unmeasured start of every round
     * @param tailRate  the socket phase's fixed open-loop rate, msg/s (0: skip it)
     * @param serverJvm options of the servers' JVMs (echo and router alike)
     * @param runUsers  users of the run phase
     * @param runWindow runs each user keeps in flight when the run phase saturates
     */
    public record Rounds(int pairs, Duration leadIn, double tailRate, List<String> serverJvm, int runUsers, int runWindow) {
        public Rounds {
            Objects.requireNonNull(leadIn, "leadIn must not be null");
            serverJvm = List.copyOf(serverJvm);
            if (pairs < 1 || runUsers < 1 || runWindow < 1) {
                throw new IllegalArgumentException("pairs, run users and run window must be at least 1");
            }
        }
    }

    /**
     * The cluster phase: nodes in JVMs of their own on one Redis, runs started on the first node and
     * delivered to the same users' connections on every node.
     *
     * @param redisUrl             the Redis to use, or null to start {@code redis-server} from {@code PATH}
     * @param users                users, each with a connection on every node
     * @param crossEventsPerSecond cross-node events a second in the latency rounds
     * @param rounds               latency rounds (and pairs of three-node and two-node rounds)
     * @param round                each round's and saturation step's length
     * @param warmup               runs before each cluster's first round
     * @param saturationSteps      saturation steps at most (2, 3, … times the latency rate)
     * @param p99LimitMs           a saturation step whose cross-node p99 passes this no longer counts
     */
    public record ClusterSettings(String redisUrl, int users, double crossEventsPerSecond, int rounds, Duration round,
                                  Duration warmup, int saturationSteps, double p99LimitMs) {
        public ClusterSettings {
            Objects.requireNonNull(round, "round must not be null");
            Objects.requireNonNull(warmup, "warmup must not be null");
            if (users < 1 || rounds < 1 || crossEventsPerSecond <= 0 || saturationSteps < 0 || p99LimitMs <= 0) {
                throw new IllegalArgumentException("cluster bench: users, rounds, rate and p99 limit must be positive");
            }
        }
    }

    public Bench(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
    }

    /** Runs everything and returns the results as JSON (also printed as a table by the caller). */
    public ObjectNode run() throws Exception {
        ObjectNode report = mapper.createObjectNode();
        ObjectNode setup = report.putObject("setup");
        setup.put("connections", settings.connections()).put("frame_bytes", settings.frameBytes())
                .put("window", settings.window()).put("warmup_s", settings.warmup().toMillis() / 1000.0)
                .put("measure_s", settings.measure().toMillis() / 1000.0)
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

        if (settings.phases().contains("pipeline")) {
            report.set("pipeline", pipeline());
        }
        if (settings.phases().contains("sockets")) {
            report.set("sockets", new SocketBench(socketSettings(), log).run());
        }
        if (settings.phases().contains("runs")) {
            report.set("runs", new RunBench(runSettings(), log).run());
        }
        if (settings.idleConnections() > 0 && settings.phases().contains("idle")) {
            report.set("idle", new IdleConnections(settings.idleConnections(), log).run());
        }
        if (settings.activeConnections() > 0 && settings.phases().contains("idle")) {
            report.set("active", new ActiveConnections(settings.activeConnections(), settings.activeBusy(), log).run());
        }
        if (settings.backendRuns() > 0 && settings.phases().contains("backend")) {
            report.set("backend", new BackendBench(backendSettings(), log).run());
        }
        if (settings.phases().contains("cluster")) {
            report.set("cluster", new ClusterBench(settings.cluster(), log).run());
        }
        report.set("targets", targets(report));
        return report;
    }

    /**
     * Thread counts at 10, 100, 500 and 1,000 runs (those up to the most); latency at half the most, the
     * service pausing before each event as an agent does; runs per second at the most, with no pauses.
     */
    private BackendBench.Settings backendSettings() {
        int most = settings.backendRuns();
        List<Integer> levels = new ArrayList<>();
        for (int level : new int[] {10, 100, 500, 1_000}) {
            if (level < most) {
                levels.add(level);
            }
        }
        levels.add(most);
        return new BackendBench.Settings(levels, Math.max(1, most / 2), settings.backendGapMs(), most, settings.warmup(),
                settings.measure(), settings.rounds().serverJvm(), settings.rounds().pairs());
    }

    private SocketBench.Settings socketSettings() {
        Rounds rounds = settings.rounds();
        return new SocketBench.Settings(settings.connections(), settings.frameBytes(), settings.window(), settings.warmup(),
                rounds.leadIn(), settings.measure(), rounds.pairs(), rounds.tailRate(), rounds.serverJvm());
    }

    private RunBench.Settings runSettings() {
        Rounds rounds = settings.rounds();
        return new RunBench.Settings(rounds.runUsers(), rounds.runWindow(), settings.warmup(), rounds.leadIn(),
                settings.measure(), rounds.pairs(), rounds.serverJvm());
    }

    /**
     * The router's pipeline in process and its codec, with JMH ({@link PipelineBenchmark}): each
     * benchmark in {@code pipelineForks} JVMs of its own, {@code pipelineRounds} iterations after
     * three warm-up ones, the JSON-only baseline in the same run. A figure is the
     * median of every iteration of every fork; each fork's median shows the spread.
     */
    private ObjectNode pipeline() throws RunnerException {
        log.printf("pipeline: JMH, %d forks x (3 warm-up + %d measured) iterations of %d ms of each of %s ...%n",
                settings.pipelineForks(), settings.pipelineRounds(), settings.pipelineIteration().toMillis(),
                PIPELINE_BENCHMARKS);
        log.flush();
        Options options = new OptionsBuilder().include(PipelineBenchmark.class.getName() + "\\.")
                .forks(settings.pipelineForks()).warmupIterations(3).measurementIterations(settings.pipelineRounds())
                .warmupTime(TimeValue.milliseconds(settings.pipelineIteration().toMillis()))
                .measurementTime(TimeValue.milliseconds(settings.pipelineIteration().toMillis()))
                .param("users", Integer.toString(settings.connections()))
                .param("frameBytes", Integer.toString(settings.frameBytes()))
                .verbosity(VerboseMode.SILENT).build();
        Map<String, RunResult> byName = new java.util.HashMap<>();
        for (RunResult result : new Runner(options).run()) {
            String method = result.getParams().getBenchmark();
            byName.put(method.substring(method.lastIndexOf('.') + 1), result);
        }
        ObjectNode json = mapper.createObjectNode();
        json.put("tool", "JMH " + org.openjdk.jmh.util.Version.getPlainVersion())
                .put("forks", settings.pipelineForks()).put("iterations_per_fork", settings.pipelineRounds());
        ObjectNode benchmarks = json.putObject("benchmarks");
        for (String name : PIPELINE_BENCHMARKS) {
            RunResult result = byName.get(name);
            if (result == null) {
                throw new IllegalStateException("JMH ran no " + name + " benchmark");
            }
            List<Double> all = new ArrayList<>();
            ObjectNode benchmark = benchmarks.putObject(name);
            var forks = benchmark.putArray("fork_medians_per_s");
            for (BenchmarkResult fork : result.getBenchmarkResults()) {
                double[] iterations = fork.getIterationResults().stream()
                        .mapToDouble(iteration -> iteration.getPrimaryResult().getScore()).toArray();
                Arrays.stream(iterations).forEach(all::add);
                forks.add(Math.round(median(iterations)));
            }
            double median = median(all.stream().mapToDouble(Double::doubleValue).toArray());
            benchmark.put("per_s", Math.round(median)).put("ns_per_op", round(1e9 / median))
                    .put("jmh_score", Math.round(result.getPrimaryResult().getScore()))
                    .put("jmh_error", Math.round(result.getPrimaryResult().getScoreError()));
        }
        double routed = benchmarks.path("pipeline").path("per_s").asDouble();
        double jsonOnly = benchmarks.path("jsonOnly").path("per_s").asDouble();
        json.put("per_s", Math.round(routed)).put("ns_per_message", round(1e9 / routed))
                .put("json_only_per_s", Math.round(jsonOnly)).put("ratio_to_json_only", round(routed / jsonOnly));
        json.set("fork_medians_per_s", benchmarks.path("pipeline").path("fork_medians_per_s"));
        json.set("json_fork_medians_per_s", benchmarks.path("jsonOnly").path("fork_medians_per_s"));
        return json;
    }

    private ObjectNode targets(ObjectNode report) {
        ObjectNode targets = mapper.createObjectNode();
        if (report.has("sockets")) {
            SocketBench.targets(report.path("sockets"), targets);
        }
        if (report.has("runs")) {
            RunBench.targets(report.path("runs"), targets);
        }
        if (report.has("pipeline")) {
            double pipelinePerS = report.path("pipeline").path("per_s").asDouble();
            target(targets, "pipeline_per_s", pipelinePerS, ">= 500,000", pipelinePerS >= 500_000);
            double ratio = report.path("pipeline").path("ratio_to_json_only").asDouble();
            target(targets, "pipeline_ratio_to_json", ratio, ">= 0.8", ratio >= 0.8);
        }
        JsonNode idle = report.path("idle");
        if (!idle.isMissingNode()) {
            long held = idle.path("held").asLong();
            double kb = idle.path("rss_kb_per_connection").asDouble();
            target(targets, "idle_connections", held, ">= 20,000", held >= 20_000);
            target(targets, "idle_kb_per_connection", kb, "<= 20 KB", kb <= 20);
        }
        JsonNode backend = report.path("backend");
        if (!backend.isMissingNode()) {
            double p99 = backend.path("paced").path("added_p99_ms").asDouble();
            boolean clean = backend.path("paced").path("failed_runs").asLong() == 0;
            target(targets, "backend_added_p99_ms", p99, "<= 2 ms", clean && p99 <= 2);
            int fewest = Integer.MAX_VALUE;
            int most = 0;
            for (JsonNode level : backend.path("threads")) {
                fewest = Math.min(fewest, level.path("router_threads").asInt());
                most = Math.max(most, level.path("router_threads").asInt());
            }
            target(targets, "backend_thread_growth", most - fewest, "<= 4", most - fewest <= 4);
        }
        JsonNode cluster = report.path("cluster");
        if (!cluster.isMissingNode()) {
            ClusterBench.targets(cluster, targets);
        }
        return targets;
    }

    static void target(ObjectNode targets, String name, double value, String goal, boolean met) {
        targets.putObject(name).put("value", value).put("target", goal).put("met", met);
    }

    /**
     * A target on the median of pairs' ratios ({@code {median, min, max}}): met when {@code clean} and the
     * median meets it; the range goes with it.
     */
    static void target(ObjectNode targets, String name, JsonNode spread, String goal, boolean clean,
                       java.util.function.DoublePredicate meets) {
        double median = spread.path("median").asDouble();
        targets.putObject(name).put("value", median).put("target", goal).put("met", clean && meets.test(median))
                .put("min", spread.path("min").asDouble()).put("max", spread.path("max").asDouble());
    }

    /** Where a phase's JSON keeps its baseline's {@link EchoServer#stalledSendsRescued()} count. */
    static final String RESCUED_FIELD = "baseline_stalled_sends_rescued";

    /**
     * A line saying how many of the baseline's sends were rescued ({@link StalledWrites}), or "" with
     * none.
     */
    static String rescuedNote(String baseline, JsonNode phase) {
        long rescued = phase.path(RESCUED_FIELD).asLong();
        return rescued == 0 ? "" : String.format("  the %s's Java-WebSocket left %,d send%s queued until the next look"
                + " (1–2 ms later): see StalledWrites%n", baseline, rescued, rescued == 1 ? "" : "s");
    }

    /** The side-by-side table. */
    public static String table(JsonNode report) {
        StringBuilder out = new StringBuilder();
        if (report.has("sockets")) {
            out.append(SocketBench.table(report.path("sockets")));
        }
        if (report.has("runs")) {
            out.append(RunBench.table(report.path("runs")));
        }
        JsonNode pipeline = report.path("pipeline");
        if (!pipeline.isMissingNode()) {
            out.append(String.format("%nin-process pipeline: %,d msg/s (%.0f ns/message); JSON parse+reply alone: %,d msg/s (ratio %.2f)%n",
                    pipeline.path("per_s").asLong(), pipeline.path("ns_per_message").asDouble(),
                    pipeline.path("json_only_per_s").asLong(), pipeline.path("ratio_to_json_only").asDouble()));
            out.append(String.format("  %s, medians of the %d forks: pipeline %s, JSON alone %s msg/s%n",
                    pipeline.path("tool").asText(), pipeline.path("forks").asInt(), pipeline.path("fork_medians_per_s"),
                    pipeline.path("json_fork_medians_per_s")));
            pipeline.path("benchmarks").fields().forEachRemaining(entry -> out.append(String.format(
                    "  %-12s %,12d ops/s (%,.0f ns/op; forks %s)%n", entry.getKey(), entry.getValue().path("per_s").asLong(),
                    entry.getValue().path("ns_per_op").asDouble(), entry.getValue().path("fork_medians_per_s"))));
        }
        JsonNode idle = report.path("idle");
        if (!idle.isMissingNode()) {
            out.append(String.format("idle connections: %,d held (asked %,d%s); router RSS %,d KB -> %,d KB: %.1f KB per connection%n",
                    idle.path("held").asLong(), idle.path("asked").asLong(),
                    idle.path("limited_by").isMissingNode() ? "" : ", limited by " + idle.path("limited_by").asText(),
                    idle.path("rss_kb_before").asLong(), idle.path("rss_kb_after").asLong(),
                    idle.path("rss_kb_per_connection").asDouble()));
        }
        JsonNode active = report.path("active");
        if (!active.isMissingNode()) {
            out.append(String.format("active connections: %,d held, %,d msg/s (%,d replies, %d unanswered, p99 %.1f ms);"
                            + " router RSS %,d KB -> %,d KB: %.1f KB, live heap %,d KB -> %,d KB: %.1f KB per connection%n",
                    active.path("held").asLong(), active.path("offered_per_s").asLong(), active.path("replies").asLong(),
                    active.path("unanswered").asLong(), active.path("p99_ms").asDouble(), active.path("rss_kb_before").asLong(),
                    active.path("rss_kb_after").asLong(), active.path("rss_kb_per_connection").asDouble(),
                    active.path("heap_kb_before").asLong(), active.path("heap_kb_after").asLong(),
                    active.path("heap_kb_per_connection").asDouble()));
        }
        JsonNode backend = report.path("backend");
        if (!backend.isMissingNode()) {
            out.append("http backend (router in its own JVM, the example service in this one):\n");
            backend.path("threads").forEach(level -> out.append(String.format("  %,6d concurrent runs: router threads %d%n",
                    level.path("concurrent_runs").asInt(), level.path("router_threads").asInt())));
            for (String phase : new String[] {"paced", "saturated"}) {
                JsonNode result = backend.path(phase);
                out.append(String.format("  %-9s %,5d runs: %,7d runs/s %,8d events/s; added latency p50 %.2f ms, p99 %.2f ms,"
                                + " p99.9 %.2f ms; %d failed%n", phase, result.path("concurrent_runs").asInt(),
                        result.path("runs_per_s").asLong(), result.path("events_per_s").asLong(),
                        result.path("added_p50_ms").asDouble(), result.path("added_p99_ms").asDouble(),
                        result.path("added_p999_ms").asDouble(), result.path("failed_runs").asLong()));
                if (result.has("own_p99_ms")) {
                    out.append(String.format("  %-9s the router's own part (its metric, read off the stream → written):"
                                    + " p50 ≤ %.2f ms, p99 ≤ %.2f ms, p99.9 ≤ %.2f ms%n", "",
                            result.path("own_p50_ms").asDouble(), result.path("own_p99_ms").asDouble(),
                            result.path("own_p999_ms").asDouble()));
                }
            }
            JsonNode paced = backend.path("paced");
            if (paced.has("relay")) {
                out.append(String.format("  paced, the relay baseline: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms; router p99 /"
                                + " relay p99 %.2f (median of %d pairs, range %.2f–%.2f)%n",
                        paced.path("relay").path("added_p50_ms").asDouble(), paced.path("relay").path("added_p99_ms")
                                .asDouble(), paced.path("relay").path("added_p999_ms").asDouble(),
                        paced.path("p99_ratio_to_relay").asDouble(), paced.path("pairs").size(),
                        paced.path("p99_ratio_min").asDouble(), paced.path("p99_ratio_max").asDouble()));
            }
            out.append(rescuedNote("relay", backend));
        }
        JsonNode cluster = report.path("cluster");
        if (!cluster.isMissingNode()) {
            out.append(ClusterBench.table(cluster));
        }
        out.append(String.format("%n%-28s %14s %12s %s%n", "target", "measured", "goal", "result"));
        report.path("targets").fields().forEachRemaining(entry -> {
            JsonNode target = entry.getValue();
            out.append(String.format("%-28s %,14.2f %12s %s%s%n", entry.getKey(), target.path("value").asDouble(),
                    target.path("target").asText(), target.path("met").asBoolean() ? "met" : "MISSED",
                    target.has("min") ? String.format("  (median of pairs; range %.2f–%.2f)", target.path("min").asDouble(),
                            target.path("max").asDouble()) : ""));
        });
        return out.toString();
    }

    static double median(double[] values) {
        return Alternating.Spread.of(values).median();
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
