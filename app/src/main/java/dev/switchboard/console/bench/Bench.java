package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark: a bare Java-WebSocket echo server and the full router, one after the other in this
 * process, driven by the same {@link RequestLoad} (same connections, same frame sizes) on
 * loopback — closed loop for each one's highest rate, then open loop at 50% and 80% of the echo's
 * highest rate for latency; the router's pipeline in process with no socket; and the resident
 * memory of idle connections held by a router in a child process. Every figure is measured in the
 * same run, so the ratios between them hold on any machine.
 */
public final class Bench {
    private static final long HUGE = 1_000_000_000L;

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
     * @param pipelineRounds  one-second rounds per fork (after one warm-up round)
     * @param idleConnections idle connections for the memory check (0: skip it)
     * @param backendRuns     the most concurrent runs on the http backend (half of them for the latency phase)
     * @param backendGapMs    the example service's pause before each event in the latency phase
     * @param phases          which of pipeline, sockets, idle, backend, cluster to run
     * @param cluster         the cluster phase's settings (used only when {@code phases} holds {@code cluster})
     */
    public record Settings(int connections, int frameBytes, int window, Duration warmup, Duration measure,
                           int pipelineForks, int pipelineRounds, int idleConnections, int backendRuns,
                           long backendGapMs, Set<String> phases, ClusterSettings cluster) {
        /** The phases of a run without {@code --only}. */
        public static final Set<String> ALL = Set.of("pipeline", "sockets", "idle", "backend");
        /** Every phase; {@code cluster} needs a Redis, so only {@code --only cluster} runs it. */
        public static final Set<String> KNOWN = Set.of("pipeline", "sockets", "idle", "backend", "cluster");

        public Settings {
            phases = Set.copyOf(phases);
            for (String name : phases) {
                if (!KNOWN.contains(name)) {
                    throw new IllegalArgumentException("no bench phase '" + name
                            + "' (pipeline, sockets, idle, backend, cluster)");
                }
            }
            if (phases.contains("cluster")) {
                Objects.requireNonNull(cluster, "cluster must not be null when the cluster phase runs");
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
    public ObjectNode run() throws IOException, InterruptedException {
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
            socketPhases(report);
        }
        if (settings.idleConnections() > 0 && settings.phases().contains("idle")) {
            report.set("idle", new IdleConnections(settings.idleConnections(), log).run());
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
                settings.measure());
    }

    private void socketPhases(ObjectNode report) throws InterruptedException {
        EchoServer echo = new EchoServer().startAndWait();
        ObjectNode echoJson;
        try {
            echoJson = sockets("echo", URI.create("ws://127.0.0.1:" + echo.getPort() + "/"), 0);
        } finally {
            echo.shutdown();
        }
        report.set("echo", echoJson);
        double echoMax = echoJson.path("closed_loop").path("per_s").asDouble();

        Router router = Router.builder().config(benchConfig().build()).build().start();
        ObjectNode routerJson;
        try {
            awaitReady(router);
            routerJson = sockets("router", router.clientUri(), echoMax);
        } finally {
            router.stop();
        }
        report.set("router", routerJson);
    }

    /** The router for the socket and pipeline phases: dev auth, default pipeline, limits raised. */
    static RouterConfig.Builder benchConfig() {
        RateLimit unlimited = new RateLimit(HUGE, HUGE);
        QueuePolicy defaults = QueuePolicy.defaults();
        return RouterConfig.builder().host("127.0.0.1").port(0).httpPort(-1).devAuth(true)
                .rateLimits(new RateLimitPolicy(unlimited, unlimited, unlimited, Map.of()))
                .queue(new QueuePolicy(1_000_000, 100_000, defaults.workers(), defaults.ttl()))
                .outboxLimit(100_000);
    }

    private static void awaitReady(Router router) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!router.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("router not ready after 30 s");
            }
            Thread.sleep(20);
        }
    }

    private ObjectNode sockets(String name, URI uri, double echoMax) {
        ObjectNode json = mapper.createObjectNode();
        try (RequestLoad load = new RequestLoad(uri, settings.connections(), settings.frameBytes())) {
            load.connect();
            json.put("frame_bytes", load.frameBytes());
            log.printf("%s: closed loop, %d connections x %d outstanding, %d-byte frames ...%n", name,
                    settings.connections(), settings.window(), load.frameBytes());
            log.flush();
            RequestLoad.Result closed = load.closedLoop(settings.window(), settings.warmup(), settings.measure());
            json.set("closed_loop", result(closed));
            double base = echoMax > 0 ? echoMax : closed.perSecond();
            for (int percent : new int[] {50, 80}) {
                log.printf("%s: open loop at %d%% of the echo's max (%,.0f msg/s) ...%n", name, percent, base * percent / 100);
                log.flush();
                RequestLoad.Result open = load.openLoop(base * percent / 100, settings.warmup(), settings.measure());
                json.set("open_loop_" + percent, result(open));
            }
        }
        return json;
    }

    private ObjectNode result(RequestLoad.Result result) {
        ObjectNode json = mapper.createObjectNode();
        json.put("offered_per_s", Math.round(result.offeredPerSecond())).put("per_s", Math.round(result.perSecond()))
                .put("replies", result.replies()).put("errors", result.errors()).put("unanswered", result.unanswered())
                .put("p50_ms", round(result.p50Ms())).put("p99_ms", round(result.p99Ms()))
                .put("p999_ms", round(result.p999Ms())).put("max_ms", round(result.maxMs()));
        return json;
    }

    /**
     * The router's pipeline in process, against a baseline of the least any JSON router must do
     * per message (parse the frame into a tree and write a reply) measured in the same run. Each
     * workload runs in {@code pipelineForks} JVMs of its own ({@link PipelineFork}); the figure is
     * the median of all their rounds, and the forks' medians show the spread.
     */
    private ObjectNode pipeline() throws IOException, InterruptedException {
        log.printf("pipeline: %d forks x %d rounds of one second each for the pipeline and the JSON baseline ...%n",
                settings.pipelineForks(), settings.pipelineRounds());
        log.flush();
        List<double[]> routed = new ArrayList<>();
        List<double[]> json = new ArrayList<>();
        for (int fork = 0; fork < settings.pipelineForks(); fork++) {
            routed.add(fork("pipeline"));
            json.add(fork("json"));
        }
        double routedMedian = median(routed.stream().flatMapToDouble(Arrays::stream).toArray());
        double jsonMedian = median(json.stream().flatMapToDouble(Arrays::stream).toArray());
        ObjectNode result = mapper.createObjectNode();
        result.put("per_s", Math.round(routedMedian)).put("ns_per_message", round(1e9 / routedMedian))
                .put("json_only_per_s", Math.round(jsonMedian)).put("ratio_to_json_only", round(routedMedian / jsonMedian))
                .put("forks", settings.pipelineForks()).put("rounds_per_fork", settings.pipelineRounds());
        var forks = result.putArray("fork_medians_per_s");
        routed.forEach(rounds -> forks.add(Math.round(median(rounds))));
        var jsonForks = result.putArray("json_fork_medians_per_s");
        json.forEach(rounds -> jsonForks.add(Math.round(median(rounds))));
        return result;
    }

    private double[] fork(String workload) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PipelineFork.class.getName(), workload,
                Integer.toString(settings.connections()), Integer.toString(settings.frameBytes()),
                Integer.toString(settings.pipelineRounds())).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("pipeline fork (" + workload + ") failed: " + output);
        }
        String line = output.lines().filter(text -> text.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("pipeline fork printed no result: " + output));
        return Arrays.stream(line.substring(7).replaceFirst(" \\(sink.*", "").trim().split(" "))
                .mapToDouble(Double::parseDouble).toArray();
    }

    private ObjectNode targets(ObjectNode report) {
        ObjectNode targets = mapper.createObjectNode();
        if (report.has("echo")) {
            socketTargets(report, targets);
        }
        if (report.has("pipeline")) {
            double pipelinePerS = report.path("pipeline").path("per_s").asDouble();
            target(targets, "pipeline_per_s", pipelinePerS, ">= 500,000", pipelinePerS >= 500_000);
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

    /** Socket targets; a phase with errors or unanswered requests meets none (fast refusals are not routing). */
    private static void socketTargets(ObjectNode report, ObjectNode targets) {
        double echoMax = report.path("echo").path("closed_loop").path("per_s").asDouble();
        double routerMax = report.path("router").path("closed_loop").path("per_s").asDouble();
        double echoP99 = report.path("echo").path("open_loop_50").path("p99_ms").asDouble();
        double routerP99 = report.path("router").path("open_loop_50").path("p99_ms").asDouble();
        boolean closedClean = clean(report, "closed_loop");
        boolean openClean = clean(report, "open_loop_50");
        target(targets, "throughput_ratio", round(routerMax / echoMax), ">= 0.85",
                closedClean && routerMax / echoMax >= 0.85);
        target(targets, "p99_ratio_at_50", round(routerP99 / Math.max(0.001, echoP99)), "<= 1.5",
                openClean && routerP99 <= 1.5 * echoP99);
        target(targets, "p99_ms_at_50", routerP99, "<= 2 ms", openClean && routerP99 <= 2.0);
    }

    private static boolean clean(JsonNode report, String phase) {
        for (String system : new String[] {"echo", "router"}) {
            JsonNode result = report.path(system).path(phase);
            if (result.path("errors").asLong() != 0 || result.path("unanswered").asLong() != 0) {
                return false;
            }
        }
        return true;
    }

    static void target(ObjectNode targets, String name, double value, String goal, boolean met) {
        targets.putObject(name).put("value", value).put("target", goal).put("met", met);
    }

    /** The side-by-side table. */
    public static String table(JsonNode report) {
        StringBuilder out = new StringBuilder();
        JsonNode echo = report.path("echo");
        JsonNode router = report.path("router");
        if (report.has("echo")) {
            socketTable(out, echo, router);
        }
        JsonNode pipeline = report.path("pipeline");
        if (!pipeline.isMissingNode()) {
            out.append(String.format("%nin-process pipeline: %,d msg/s (%.0f ns/message); JSON parse+reply alone: %,d msg/s (ratio %.2f)%n",
                    pipeline.path("per_s").asLong(), pipeline.path("ns_per_message").asDouble(),
                    pipeline.path("json_only_per_s").asLong(), pipeline.path("ratio_to_json_only").asDouble()));
            out.append(String.format("  medians of the %d forks: pipeline %s, JSON alone %s msg/s%n",
                    pipeline.path("forks").asInt(), pipeline.path("fork_medians_per_s"),
                    pipeline.path("json_fork_medians_per_s")));
        }
        JsonNode idle = report.path("idle");
        if (!idle.isMissingNode()) {
            out.append(String.format("idle connections: %,d held (asked %,d%s); router RSS %,d KB -> %,d KB: %.1f KB per connection%n",
                    idle.path("held").asLong(), idle.path("asked").asLong(),
                    idle.path("limited_by").isMissingNode() ? "" : ", limited by " + idle.path("limited_by").asText(),
                    idle.path("rss_kb_before").asLong(), idle.path("rss_kb_after").asLong(),
                    idle.path("rss_kb_per_connection").asDouble()));
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
            }
        }
        JsonNode cluster = report.path("cluster");
        if (!cluster.isMissingNode()) {
            out.append(ClusterBench.table(cluster));
        }
        out.append(String.format("%n%-24s %14s %12s %s%n", "target", "measured", "goal", "result"));
        report.path("targets").fields().forEachRemaining(entry -> out.append(String.format("%-24s %,14.2f %12s %s%n",
                entry.getKey(), entry.getValue().path("value").asDouble(), entry.getValue().path("target").asText(),
                entry.getValue().path("met").asBoolean() ? "met" : "MISSED")));
        return out.toString();
    }

    private static void socketTable(StringBuilder out, JsonNode echo, JsonNode router) {
        out.append(String.format("%n%-34s %14s %14s %8s%n", "", "echo", "router", "ratio"));
        row(out, "closed loop, msg/s", echo.path("closed_loop").path("per_s"), router.path("closed_loop").path("per_s"));
        for (String phase : new String[] {"closed_loop", "open_loop_50", "open_loop_80"}) {
            long bad = 0;
            for (JsonNode system : new JsonNode[] {echo, router}) {
                bad += system.path(phase).path("errors").asLong() + system.path(phase).path("unanswered").asLong();
            }
            if (bad > 0) {
                out.append(String.format("  %s: errors %d / %d, unanswered %d / %d (echo / router)%n", phase,
                        echo.path(phase).path("errors").asLong(), router.path(phase).path("errors").asLong(),
                        echo.path(phase).path("unanswered").asLong(), router.path(phase).path("unanswered").asLong()));
            }
        }
        for (String phase : new String[] {"open_loop_50", "open_loop_80"}) {
            String label = phase.endsWith("50") ? "50%" : "80%";
            out.append(String.format("%-34s %,14d %,14d%n", "open loop " + label + ", offered msg/s",
                    echo.path(phase).path("offered_per_s").asLong(), router.path(phase).path("offered_per_s").asLong()));
            for (String field : new String[] {"p50_ms", "p99_ms", "p999_ms", "max_ms"}) {
                row(out, "  " + label + " latency " + field.replace("_ms", "").replace("p999", "p99.9") + ", ms",
                        echo.path(phase).path(field), router.path(phase).path(field));
            }
        }
    }

    private static void row(StringBuilder out, String label, JsonNode echo, JsonNode router) {
        double ratio = echo.asDouble() == 0 ? 0 : router.asDouble() / echo.asDouble();
        if (echo.isIntegralNumber()) {
            out.append(String.format("%-34s %,14d %,14d %8.2f%n", label, echo.asLong(), router.asLong(), ratio));
        } else {
            out.append(String.format("%-34s %14.3f %14.3f %8.2f%n", label, echo.asDouble(), router.asDouble(), ratio));
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
