package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.Json;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The path the router exists for: agent run events delivered to users. The router (simulated agent
 * with no pause between steps) and its baseline, a {@link RunEchoServer} pushing the same number of
 * frames of the same types and sizes to the same connections, each run in a JVM of its own with the
 * same options; the load ({@link RunLoad}) in this one. For one connection per user and for three:
 * events delivered a second at saturation, then — at half the router's saturated run rate, for
 * both — emit→receive latency and {@code user_message} → {@code agent_started}, all in alternating
 * rounds ({@link Alternating}).
 */
final class RunBench {
    private static final int[] CONNECTIONS_PER_USER = {1, 3};

    private final Settings settings;
    private final PrintWriter log;

    /**
     * @param users     users, each with one (then three) connections
     * @param window    runs each user keeps in flight at saturation
     * @param warmup    each system's saturation once before the first round of each variant
     * @param leadIn    the unmeasured start of every round
     * @param round     each round's measured part
     * @param pairs     rounds of each system per phase
     * @param serverJvm options of both servers' JVMs
     */
    record Settings(int users, int window, Duration warmup, Duration leadIn, Duration round, int pairs,
                    List<String> serverJvm) {
        Settings {
            Objects.requireNonNull(serverJvm, "serverJvm must not be null");
            serverJvm = List.copyOf(serverJvm);
        }
    }

    RunBench(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
    }

    ObjectNode run() throws Exception {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("servers", "each in a JVM of its own: java " + String.join(" ", settings.serverJvm()))
                .put("users", settings.users()).put("window", settings.window()).put("pairs", settings.pairs())
                .put("lead_in_s", settings.leadIn().toMillis() / 1000.0).put("round_s", settings.round().toMillis() / 1000.0);
        Path config = ChildRouter.config("bench-runs-", List.of("outbox_frames: 100000", "max_runs_in_flight: 1000000",
                "agent: {step_ms: 0}"));
        try (ChildRouter router = ChildRouter.start(settings.serverJvm(), false, List.of("--config", config.toString()),
                Map.of(), ChildProcess.Placement.ANYWHERE)) {
            List<RunEchoServer.Push> pushes;
            try (RunLoad probe = new RunLoad(router.clientUri(), 1, 1).connect()) {
                pushes = probe.probe(Duration.ofSeconds(10));
            }
            ArrayNode frames = json.putArray("frames");
            pushes.forEach(push -> frames.addObject().put("type", push.type()).put("bytes", push.bytes()));
            int echoPort = ChildProcess.freePort();
            try (ChildProcess echo = ChildProcess.start(ChildProcess.java(settings.serverJvm(), EchoServer.class.getName(),
                    List.of(Integer.toString(echoPort), RunEchoServer.spec(pushes))), echoPort, "bench-run-echo-",
                    Duration.ofSeconds(30))) {
                URI echoUri = URI.create("ws://127.0.0.1:" + echoPort + "/");
                for (int perUser : CONNECTIONS_PER_USER) {
                    json.set(variant(perUser), variant(echoUri, router.clientUri(), perUser));
                }
                json.put(Bench.RESCUED_FIELD, echo.lastCount(EchoServer.RESCUED));
            }
        }
        return json;
    }

    static String variant(int perUser) {
        return perUser == 1 ? "one_connection_per_user" : perUser + "_connections_per_user";
    }

    private ObjectNode variant(URI echoUri, URI routerUri, int perUser) throws Exception {
        ObjectNode json = Json.mapper().createObjectNode();
        try (RunLoad echoLoad = new RunLoad(echoUri, settings.users(), perUser).connect();
             RunLoad routerLoad = new RunLoad(routerUri, settings.users(), perUser).connect()) {
            log.printf("runs: %d users x %d connections, echo and router warm up ...%n", settings.users(), perUser);
            log.flush();
            echoLoad.saturate(settings.window(), settings.warmup(), settings.leadIn());
            routerLoad.saturate(settings.window(), settings.warmup(), settings.leadIn());

            log.printf("runs: saturation, %d runs in flight per user, %d pairs of alternating rounds ...%n",
                    settings.window(), settings.pairs());
            log.flush();
            List<Alternating.Pair<RunLoad.Result>> saturated = Alternating.run(settings.pairs(), (baseline, pair) ->
                    (baseline ? echoLoad : routerLoad).saturate(settings.window(), settings.leadIn(), settings.round()));
            json.set("saturation", phaseJson(saturated, 0));
            double rate = Alternating.Spread.of(saturated, pair -> pair.measured().runsPerSecond()).median() / 2;

            log.printf("runs: %,.0f runs/s (half the router's saturated rate), %d pairs of alternating rounds ...%n",
                    rate, settings.pairs());
            log.flush();
            List<Alternating.Pair<RunLoad.Result>> paced = Alternating.run(settings.pairs(), (baseline, pair) ->
                    (baseline ? echoLoad : routerLoad).openLoop(rate, settings.leadIn(), settings.round()));
            json.set("half", phaseJson(paced, rate));
        }
        return json;
    }

    private static ObjectNode phaseJson(List<Alternating.Pair<RunLoad.Result>> pairs, double offered) {
        ObjectNode json = Json.mapper().createObjectNode();
        if (offered > 0) {
            json.put("offered_runs_per_s", Bench.round(offered));
        }
        return new PairsReport<>(RunBench::result, RunLoad.Result::clean)
                .median("events_per_s", RunLoad.Result::eventsPerSecond).median("runs_per_s", RunLoad.Result::runsPerSecond)
                .median("emit_p50_ms", RunLoad.Result::emitP50Ms).median("emit_p99_ms", RunLoad.Result::emitP99Ms)
                .median("emit_p999_ms", RunLoad.Result::emitP999Ms).median("start_p50_ms", RunLoad.Result::startP50Ms)
                .median("start_p99_ms", RunLoad.Result::startP99Ms)
                .ratio("events_per_s", RunLoad.Result::eventsPerSecond).ratio("emit_p50", RunLoad.Result::emitP50Ms)
                .ratio("emit_p99", RunLoad.Result::emitP99Ms).ratio("emit_p999", RunLoad.Result::emitP999Ms)
                .ratio("start_p99", RunLoad.Result::startP99Ms)
                .addTo(json, pairs);
    }

    private static ObjectNode result(RunLoad.Result result) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("offered_runs_per_s", Bench.round(result.offeredRunsPerSecond()))
                .put("events_per_s", Math.round(result.eventsPerSecond())).put("runs_per_s", Math.round(result.runsPerSecond()))
                .put("failed", result.failed()).put("errors", result.errors()).put("unfinished", result.unfinished())
                .put("unfinished_detail", result.unfinishedDetail())
                .put("emit_samples", result.emitToReceive().getTotalCount())
                .put("emit_p50_ms", Bench.round(result.emitP50Ms())).put("emit_p99_ms", Bench.round(result.emitP99Ms()))
                .put("emit_p999_ms", Bench.round(result.emitP999Ms()))
                .put("emit_max_ms", Bench.round(result.emitToReceive().getMaxValue() / 1e3))
                .put("start_samples", result.startLatency().getTotalCount())
                .put("start_p50_ms", Bench.round(result.startP50Ms())).put("start_p99_ms", Bench.round(result.startP99Ms()))
                .put("start_p999_ms", Bench.round(result.startLatency().getValueAtPercentile(99.9) / 1e3));
        return json;
    }

    /** Per variant: delivered events ≥ 0.8 × the echo's push rate; emit→receive p99 at half load ≤ 1.5 × the echo's. */
    static void targets(JsonNode runs, ObjectNode targets) {
        for (int perUser : CONNECTIONS_PER_USER) {
            JsonNode variant = runs.path(variant(perUser));
            if (variant.isMissingNode()) {
                continue;
            }
            String suffix = perUser == 1 ? "" : "_" + perUser + "_conns";
            JsonNode saturation = variant.path("saturation");
            Bench.target(targets, "run_events_ratio" + suffix, saturation.path("ratio").path("events_per_s"), ">= 0.8",
                    saturation.path("clean").asBoolean(), value -> value >= 0.8);
            JsonNode half = variant.path("half");
            Bench.target(targets, "run_emit_p99_ratio" + suffix, half.path("ratio").path("emit_p99"), "<= 1.5",
                    half.path("clean").asBoolean(), value -> value <= 1.5);
        }
    }

    static String table(JsonNode runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nruns (simulated agent, no pauses; echo: the same frames pushed): %d users, %d pairs of"
                + " alternating rounds of %.1f s (medians; ratio: median of the pairs' ratios, range)%n",
                runs.path("users").asInt(), runs.path("pairs").asInt(), runs.path("round_s").asDouble()));
        out.append(String.format("%-40s %12s %12s   %s%n", "", "echo", "router", "ratio"));
        out.append(Bench.rescuedNote("echo", runs));
        for (int perUser : CONNECTIONS_PER_USER) {
            JsonNode variant = runs.path(variant(perUser));
            if (variant.isMissingNode()) {
                continue;
            }
            JsonNode saturation = variant.path("saturation");
            out.append(perUser).append(perUser == 1 ? " connection per user" : " connections per user")
                    .append(saturation.path("clean").asBoolean() && variant.path("half").path("clean").asBoolean() ? ""
                            : "  (failed, unfinished or refused runs: see the report)").append('\n');
            out.append(String.format("  %-38s %,12d %,12d   %s%n", "saturated, events/s",
                    saturation.path("echo").path("events_per_s").asLong(), saturation.path("router").path("events_per_s").asLong(),
                    SocketBench.ratioText(saturation.path("ratio").path("events_per_s"))));
            JsonNode half = variant.path("half");
            out.append(String.format("  at %,.0f runs/s:%n", half.path("offered_runs_per_s").asDouble()));
            for (String field : new String[] {"emit_p50", "emit_p99", "emit_p999", "start_p50", "start_p99"}) {
                String label = field.replace("emit_", "emit→receive ").replace("start_", "user_message→agent_started ")
                        .replace("p999", "p99.9") + ", ms";
                JsonNode ratio = half.path("ratio").path(field);
                out.append(String.format("    %-36s %12.3f %12.3f   %s%n", label, half.path("echo").path(field + "_ms").asDouble(),
                        half.path("router").path(field + "_ms").asDouble(), ratio.isMissingNode() ? "" : SocketBench.ratioText(ratio)));
            }
        }
        return out.toString();
    }
}
