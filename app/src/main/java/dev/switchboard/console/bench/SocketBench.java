package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Request/reply over loopback: a bare Java-WebSocket echo server and the router, each in a JVM of
 * its own started with the same options (as they are deployed), the load ({@link RequestLoad}) in
 * this one, measured in alternating rounds ({@link Alternating}): closed loop for each one's highest
 * rate, then open loop at 50% and 80% of the echo's (median) highest rate, and at a fixed rate for
 * the tail. Every round is kept in the report; each figure is the median of the pairs' ratios, with
 * its range.
 */
final class SocketBench {
    static final List<String> PHASES = List.of("closed_loop", "open_loop_50", "open_loop_80", "open_loop_tail");

    private final Settings settings;
    private final PrintWriter log;

    /**
     * @param connections load connections (one user each on the router)
     * @param frameBytes  request frame size
     * @param window      requests outstanding per connection in the closed loop
     * @param warmup      each system's closed loop once before the first round (compilation)
     * @param leadIn      the unmeasured start of every round
     * @param round       each round's measured part
     * @param pairs       rounds of each system per phase
     * @param tailRate    the fixed open-loop rate of the tail phase, msg/s (0: skip it)
     * @param serverJvm   options of both servers' JVMs
     */
    record Settings(int connections, int frameBytes, int window, Duration warmup, Duration leadIn, Duration round,
                    int pairs, double tailRate, List<String> serverJvm) {
        Settings {
            Objects.requireNonNull(serverJvm, "serverJvm must not be null");
            serverJvm = List.copyOf(serverJvm);
            if (pairs < 1 || connections < 1) {
                throw new IllegalArgumentException("pairs and connections must be at least 1");
            }
        }
    }

    SocketBench(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
    }

    ObjectNode run() throws Exception {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("servers", "each in a JVM of its own: java " + String.join(" ", settings.serverJvm()))
                .put("pairs", settings.pairs()).put("lead_in_s", settings.leadIn().toMillis() / 1000.0)
                .put("round_s", settings.round().toMillis() / 1000.0);
        Path config = ChildRouter.config("bench-sockets-", List.of("outbox_frames: 100000"));
        int echoPort = ChildProcess.freePort();
        try (ChildProcess echo = ChildProcess.start(ChildProcess.java(settings.serverJvm(), EchoServer.class.getName(),
                     List.of(Integer.toString(echoPort))), echoPort, "bench-echo-", Duration.ofSeconds(30));
             ChildRouter router = ChildRouter.start(settings.serverJvm(), false, List.of("--config", config.toString()),
                     Map.of(), ChildProcess.Placement.ANYWHERE);
             RequestLoad echoLoad = new RequestLoad(URI.create("ws://127.0.0.1:" + echoPort + "/"), settings.connections(),
                     settings.frameBytes()).connect();
             RequestLoad routerLoad = new RequestLoad(router.clientUri(), settings.connections(),
                     settings.frameBytes()).connect()) {
            json.put("frame_bytes", routerLoad.frameBytes());
            log.printf("sockets: echo and router warm up (%d connections x %d outstanding, %d-byte frames) ...%n",
                    settings.connections(), settings.window(), routerLoad.frameBytes());
            log.flush();
            echoLoad.closedLoop(settings.window(), settings.warmup(), settings.leadIn());
            routerLoad.closedLoop(settings.window(), settings.warmup(), settings.leadIn());

            Alternating.Round<RequestLoad.Result> closed = (baseline, pair) ->
                    (baseline ? echoLoad : routerLoad).closedLoop(settings.window(), settings.leadIn(), settings.round());
            List<Alternating.Pair<RequestLoad.Result>> closedPairs = phase("closed loop", closed);
            json.set("closed_loop", phaseJson(closedPairs, 0));
            double echoMax = Alternating.Spread.of(closedPairs, pair -> pair.baseline().perSecond()).median();

            double[] rates = {echoMax * 0.5, echoMax * 0.8, settings.tailRate()};
            for (int i = 0; i < rates.length; i++) {
                double rate = rates[i];
                if (rate <= 0) {
                    continue;
                }
                List<Alternating.Pair<RequestLoad.Result>> pairs = phase(String.format("open loop at %,.0f msg/s", rate),
                        (baseline, pair) -> (baseline ? echoLoad : routerLoad).openLoop(rate, settings.leadIn(),
                                settings.round()));
                json.set(PHASES.get(i + 1), phaseJson(pairs, rate));
            }
            json.put(Bench.RESCUED_FIELD, echo.lastCount(EchoServer.RESCUED));
        }
        return json;
    }

    private List<Alternating.Pair<RequestLoad.Result>> phase(String name, Alternating.Round<RequestLoad.Result> round)
            throws Exception {
        log.printf("sockets: %s, %d pairs of alternating rounds ...%n", name, settings.pairs());
        log.flush();
        return Alternating.run(settings.pairs(), round);
    }

    /** Every round, each system's median figures, and the spread of the pairs' ratios. */
    private static ObjectNode phaseJson(List<Alternating.Pair<RequestLoad.Result>> pairs, double offered) {
        ObjectNode json = Json.mapper().createObjectNode();
        PairsReport<RequestLoad.Result> report = new PairsReport<>(SocketBench::result,
                result -> result.errors() == 0 && result.unanswered() == 0)
                .median("per_s", RequestLoad.Result::perSecond).median("p50_ms", RequestLoad.Result::p50Ms)
                .median("p99_ms", RequestLoad.Result::p99Ms).median("p999_ms", RequestLoad.Result::p999Ms)
                .median("max_ms", RequestLoad.Result::maxMs);
        if (offered > 0) {
            json.put("offered_per_s", Math.round(offered));
        } else {
            report.ratio("per_s", RequestLoad.Result::perSecond);
        }
        report.ratio("p50", RequestLoad.Result::p50Ms).ratio("p99", RequestLoad.Result::p99Ms)
                .ratio("p999", RequestLoad.Result::p999Ms);
        return report.addTo(json, pairs);
    }

    private static ObjectNode result(RequestLoad.Result result) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("offered_per_s", Math.round(result.offeredPerSecond())).put("per_s", Math.round(result.perSecond()))
                .put("replies", result.replies()).put("errors", result.errors()).put("unanswered", result.unanswered())
                .put("p50_ms", Bench.round(result.p50Ms())).put("p99_ms", Bench.round(result.p99Ms()))
                .put("p999_ms", Bench.round(result.p999Ms())).put("max_ms", Bench.round(result.maxMs()));
        return json;
    }

    /** Targets: each met only when its median meets it and no round of the phase had errors or unanswered requests. */
    static void targets(JsonNode sockets, ObjectNode targets) {
        JsonNode closed = sockets.path("closed_loop");
        Bench.target(targets, "throughput_ratio", closed.path("ratio").path("per_s"), ">= 0.85",
                closed.path("clean").asBoolean(), value -> value >= 0.85);
        JsonNode half = sockets.path("open_loop_50");
        Bench.target(targets, "p99_ratio_at_50", half.path("ratio").path("p99"), "<= 1.5",
                half.path("clean").asBoolean(), value -> value <= 1.5);
        double routerP99 = half.path("router").path("p99_ms").asDouble();
        Bench.target(targets, "p99_ms_at_50", routerP99, "<= 2 ms", half.path("clean").asBoolean() && routerP99 <= 2.0);
        JsonNode tail = sockets.path("open_loop_tail");
        if (!tail.isMissingNode()) {
            Bench.target(targets, "tail_p99_ratio", tail.path("ratio").path("p99"), "<= 1.5",
                    tail.path("clean").asBoolean(), value -> value <= 1.5);
            Bench.target(targets, "tail_p999_ratio", tail.path("ratio").path("p999"), "<= 2",
                    tail.path("clean").asBoolean(), value -> value <= 2);
        }
    }

    /** The side-by-side table: each system's medians, then the ratios' medians and ranges. */
    static String table(JsonNode sockets) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%nsockets: %s; %d pairs of alternating rounds of %.1f s (medians; ratio: median of the"
                        + " pairs' ratios, range)%n", sockets.path("servers").asText(), sockets.path("pairs").asInt(),
                sockets.path("round_s").asDouble()));
        out.append(String.format("%-30s %12s %12s   %s%n", "", "echo", "router", "ratio"));
        out.append(Bench.rescuedNote("echo", sockets));
        for (String phase : PHASES) {
            JsonNode json = sockets.path(phase);
            if (json.isMissingNode()) {
                continue;
            }
            String unclean = json.path("clean").asBoolean() ? "" : "  (errors or unanswered requests: see the report)";
            if (!json.has("offered_per_s")) {
                out.append(String.format("%-30s %,12d %,12d   %s%s%n", "closed loop, msg/s", json.path("echo").path("per_s").asLong(),
                        json.path("router").path("per_s").asLong(), ratioText(json.path("ratio").path("per_s")), unclean));
                continue;
            }
            out.append(String.format("open loop %,d msg/s", json.path("offered_per_s").asLong())).append(unclean).append('\n');
            for (String field : new String[] {"p50", "p99", "p999"}) {
                out.append(String.format("  %-28s %12.3f %12.3f   %s%n", field.replace("p999", "p99.9") + ", ms",
                        json.path("echo").path(field + "_ms").asDouble(), json.path("router").path(field + "_ms").asDouble(),
                        ratioText(json.path("ratio").path(field))));
            }
        }
        return out.toString();
    }

    static String ratioText(JsonNode spread) {
        return String.format("%.2f (%.2f–%.2f)", spread.path("median").asDouble(), spread.path("min").asDouble(),
                spread.path("max").asDouble());
    }
}
