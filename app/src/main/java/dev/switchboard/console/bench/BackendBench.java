package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.agents.http.ExampleAgentService;
import dev.switchboard.router.agents.http.ExampleAgentService.Reply;
import dev.switchboard.router.agents.http.ExampleAgentService.Step;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs served by an http backend, measured: the router in its own JVM (as deployed) calls the Java
 * example service in this JVM, whose every event carries the time it was written ({@code sent_ns});
 * clients here take the time each event arrives, so the difference is what the router adds (parse the
 * stream, check the contract, stamp and send). Phases: the router's thread count at rising numbers of
 * concurrent runs; added latency at a fixed number of concurrent runs with paced events; runs per
 * second at saturation (no pause between events).
 */
final class BackendBench {
    /** Events the service streams per run (thinking, tool, tool done, thinking, thinking, completed). */
    static final int EVENTS = 6;
    /** Before each measured round of the alternating latency phase (both sides are warm by then). */
    private static final Duration LEAD_IN = Duration.ofSeconds(2);
    /**
     * The router's histogram of its own part of each event: read off the backend's stream to written to
     * the user's connection (the added latency less the service's write, the kernel and the client).
     */
    static final String OWN_LATENCY = "switchboard_backend_event_latency_seconds";
    /** Pause before each event while threads are counted: a run lasts 3 s, so all of a level are open at once. */
    private static final long THREADS_PHASE_GAP_MS = 500;

    /**
     * @param threadLevels concurrent runs at which the router's threads are counted
     * @param paced        concurrent runs for the latency phase
     * @param pacedGapMs   the service's pause before each event in the latency phase
     * @param saturated    concurrent runs for the saturation phase (no pauses)
     * @param warmup       before each measured phase
     * @param measure      each measured phase
     * @param routerJvm    options of the router's JVM and the relay's (the shipped launcher's unless the bench is
     *                     told otherwise)
     * @param pairs        rounds of the latency phase for the router and for the relay, alternating
     */
    record Settings(List<Integer> threadLevels, int paced, long pacedGapMs, int saturated, Duration warmup,
                    Duration measure, List<String> routerJvm, int pairs) {
        int users() {
            int most = Math.max(paced, saturated);
            for (int level : threadLevels) {
                most = Math.max(most, level);
            }
            return most;
        }
    }

    private final Settings settings;
    private final PrintWriter log;
    private final Recorder added = new Recorder(3);
    private final LongAdder runsDone = new LongAdder();
    private final LongAdder eventsSeen = new LongAdder();
    private final LongAdder failedRuns = new LongAdder();
    private volatile boolean recording;
    private final AtomicBoolean looping = new AtomicBoolean();

    BackendBench(Settings settings, PrintWriter log) {
        this.settings = settings;
        this.log = log;
    }

    ObjectNode run() throws IOException, InterruptedException {
        ObjectNode json = Json.mapper().createObjectNode();
        ExecutorService io = Executors.newFixedThreadPool(2);
        HttpClient http = HttpClient.newBuilder().executor(io).build();
        int relayPort = ChildProcess.freePort();
        try (ExampleAgentService service = ExampleAgentService.start(0, paced(THREADS_PHASE_GAP_MS));
             ChildRouter router = ChildRouter.start(settings.routerJvm(), true, List.of("--config",
                     config(service.runsUrl()).toString()), java.util.Map.of(), ChildProcess.Placement.ANYWHERE);
             ChildProcess relay = ChildProcess.start(ChildProcess.java(settings.routerJvm(), RelayServer.class.getName(),
                     List.of(Integer.toString(relayPort), service.runsUrl().toString())), relayPort, "bench-relay-",
                     Duration.ofSeconds(30))) {
            List<User> users = connect(http, router.clientUri(), settings.users());
            List<User> relayUsers = connect(http, URI.create("ws://127.0.0.1:" + relayPort + "/"), settings.paced());
            json.put("router_jvm", String.join(" ", settings.routerJvm()) + ", own process")
                    .put("events_per_run", EVENTS);
            json.set("threads", threads(service, router, users));
            service.script(paced(settings.pacedGapMs()));
            json.set("paced", pacedPairs(router, users.subList(0, settings.paced()), relayUsers));
            service.script(paced(0));
            json.set("saturated", loop(router, users.subList(0, settings.saturated()), "saturated, "
                    + settings.saturated() + " concurrent runs, no pause", settings.warmup()));
            json.put("router_threads_after", router.threads());
            json.put(Bench.RESCUED_FIELD, relay.lastCount(EchoServer.RESCUED));
            users.forEach(user -> user.connection.abort());
            relayUsers.forEach(user -> user.connection.abort());
        } finally {
            io.shutdownNow();
        }
        return json;
    }

    /**
     * The latency phase: the router and the relay ({@link RelayServer}, the same service and
     * clients with none of the router's routing) each warmed up, then {@code pairs} rounds of each in
     * alternating order (router first, then relay first, …), so that what else the machine does
     * weighs on both. The router's figures are the medians of its rounds; every round is kept.
     */
    private ObjectNode pacedPairs(ChildRouter routerProcess, List<User> routerUsers, List<User> relayUsers)
            throws IOException, InterruptedException {
        String label = settings.paced() + " concurrent runs, " + settings.pacedGapMs() + " ms between events";
        loop(routerProcess, routerUsers, "paced warm-up, router, " + label, settings.warmup());
        loop(null, relayUsers, "paced warm-up, relay, " + label, settings.warmup());
        List<ObjectNode> router = new ArrayList<>();
        List<ObjectNode> relay = new ArrayList<>();
        ArrayNode pairs = Json.mapper().createArrayNode();
        for (int pair = 0; pair < settings.pairs(); pair++) {
            boolean routerFirst = pair % 2 == 0;
            for (boolean routerTurn : new boolean[] {routerFirst, !routerFirst}) {
                (routerTurn ? router : relay).add(loop(routerTurn ? routerProcess : null, routerTurn ? routerUsers : relayUsers,
                        "paced round "
                        + (pair + 1) + ", " + (routerTurn ? "router" : "relay") + ", " + label, LEAD_IN));
            }
            double ratio = router.get(pair).path("added_p99_ms").asDouble()
                    / Math.max(0.001, relay.get(pair).path("added_p99_ms").asDouble());
            pairs.addObject().put("router_first", routerFirst)
                    .put("router_p99_ms", router.get(pair).path("added_p99_ms").asDouble())
                    .put("relay_p99_ms", relay.get(pair).path("added_p99_ms").asDouble())
                    .put("router_p50_ms", router.get(pair).path("added_p50_ms").asDouble())
                    .put("relay_p50_ms", relay.get(pair).path("added_p50_ms").asDouble())
                    .put("p99_ratio", ratio);
        }
        ObjectNode json = medians(router);
        json.set("relay", medians(relay));
        double[] ratios = new double[pairs.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = pairs.get(i).path("p99_ratio").asDouble();
        }
        Alternating.Spread spread = Alternating.Spread.of(ratios);
        json.put("p99_ratio_to_relay", spread.median()).put("p99_ratio_min", spread.min())
                .put("p99_ratio_max", spread.max());
        json.set("pairs", pairs);
        log.printf("backend: paced, router p99 %.2f ms against the relay's %.2f ms (medians of %d pairs): %.2fx, range"
                        + " %.2f-%.2f%n", json.path("added_p99_ms").asDouble(),
                json.path("relay").path("added_p99_ms").asDouble(), pairs.size(), spread.median(), spread.min(),
                spread.max());
        log.flush();
        return json;
    }

    /** Each figure the median of the rounds' (counts summed). */
    private static ObjectNode medians(List<ObjectNode> rounds) {
        ObjectNode json = Json.mapper().createObjectNode().put("concurrent_runs", rounds.get(0).path("concurrent_runs")
                .asInt()).put("rounds", rounds.size());
        for (String field : new String[] {"runs_per_s", "events_per_s", "added_p50_ms", "added_p99_ms", "added_p999_ms",
                "added_max_ms", "own_p50_ms", "own_p99_ms", "own_p999_ms"}) {
            if (rounds.get(0).has(field)) {
                json.put(field, Bench.median(rounds.stream().mapToDouble(round -> round.path(field).asDouble()).toArray()));
            }
        }
        for (String field : new String[] {"failed_runs", "added_latency_samples", "own_samples"}) {
            if (rounds.get(0).has(field)) {
                json.put(field, rounds.stream().mapToLong(round -> round.path(field).asLong()).sum());
            }
        }
        return json;
    }

    /** A run of {@link #EVENTS} stamped events, {@code gapMs} before each. */
    private static ExampleAgentService.Script paced(long gapMs) {
        return run -> Reply.stream(List.of(
                Step.stamped(gapMs, "agent_thinking", "{\"thought\":\"Reading the request\"}"),
                Step.stamped(gapMs, "tool_executing", "{\"tool\":\"web_search\",\"input\":{\"query\":\"bench\"}}"),
                Step.stamped(gapMs, "tool_completed", "{\"tool\":\"web_search\",\"output\":{\"hits\":3},\"duration_ms\":"
                        + gapMs + "}"),
                Step.stamped(gapMs, "agent_thinking", "{\"thought\":\"Weighing the results\"}"),
                Step.stamped(gapMs, "agent_thinking", "{\"thought\":\"Composing the answer\"}"),
                Step.stamped(gapMs, "agent_completed", "{\"status\":\"completed\",\"result\":\"done\"}")));
    }

    private static Path config(URI runsUrl) throws IOException {
        return ChildRouter.config("bench-backend-", List.of(
                "max_runs_in_flight: 100000",
                "agents:",
                "  backends:",
                "    - name: bench",
                "      kind: http",
                "      url: " + runsUrl,
                "      max_in_flight: 100000"));
    }

    private List<User> connect(HttpClient http, URI uri, int count) {
        List<User> users = new ArrayList<>();
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            User user = new User(http, "bench-" + i);
            users.add(user);
            opening.add(user.connection.open(new ClientConnection.Target(URI.create(uri + "?user=" + user.name), null)));
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).join();
        return users;
    }

    /** The router's threads while {@code level} runs stream at once, for each level. */
    private ArrayNode threads(ExampleAgentService service, ChildRouter router, List<User> users)
            throws InterruptedException {
        ArrayNode levels = Json.mapper().createArrayNode();
        for (int level : settings.threadLevels()) {
            for (User user : users.subList(0, level)) {
                user.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (service.open() < level * 0.95 && System.nanoTime() < deadline) {
                Thread.sleep(20); // until (nearly) every run of the level streams at once
            }
            int most = 0;
            for (int i = 0; i < 5; i++) {
                most = Math.max(most, router.threads());
                Thread.sleep(40);
            }
            int open = service.open();
            awaitIdle(users, Duration.ofSeconds(30));
            levels.addObject().put("concurrent_runs", level).put("streams_open_at_sample", open)
                    .put("router_threads", most);
            log.printf("backend: %,5d concurrent runs (%,d streams open): router threads %d%n", level, open, most);
            log.flush();
        }
        return levels;
    }

    /** Waits until no user has a run going (or the limit passes). */
    private static void awaitIdle(List<User> users, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (users.stream().anyMatch(user -> user.running) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Each user runs back to back for {@code warmup} and the measurement; returns what the latter saw,
     * with, when {@code router} is not null, the router's own part of each event in the measurement as
     * its metrics have it ({@link #OWN_LATENCY}).
     */
    private ObjectNode loop(ChildRouter router, List<User> users, String label, Duration warmup)
            throws IOException, InterruptedException {
        looping.set(true);
        users.forEach(User::start);
        Thread.sleep(warmup.toMillis());
        ScrapedHistogram ownBefore = router == null ? null : router.histogram(OWN_LATENCY);
        added.reset();
        long runsBefore = runsDone.sum();
        long eventsBefore = eventsSeen.sum();
        long failedBefore = failedRuns.sum();
        long began = System.nanoTime();
        recording = true;
        Thread.sleep(settings.measure().toMillis());
        recording = false;
        double seconds = (System.nanoTime() - began) / 1e9;
        ScrapedHistogram ownAfter = router == null ? null : router.histogram(OWN_LATENCY);
        Histogram latency = added.getIntervalHistogram();
        long runs = runsDone.sum() - runsBefore;
        looping.set(false);
        awaitIdle(users, Duration.ofSeconds(30));
        ObjectNode json = Json.mapper().createObjectNode()
                .put("concurrent_runs", users.size())
                .put("runs_per_s", Math.round(runs / seconds))
                .put("events_per_s", Math.round((eventsSeen.sum() - eventsBefore) / seconds))
                .put("failed_runs", failedRuns.sum() - failedBefore)
                .put("added_latency_samples", latency.getTotalCount())
                .put("added_p50_ms", latency.getValueAtPercentile(50) / 1000.0)
                .put("added_p99_ms", latency.getValueAtPercentile(99) / 1000.0)
                .put("added_p999_ms", latency.getValueAtPercentile(99.9) / 1000.0)
                .put("added_max_ms", latency.getMaxValue() / 1000.0);
        if (router != null) {
            json.put("own_samples", ownAfter.countSince(ownBefore))
                    .put("own_p50_ms", ownAfter.quantileSince(ownBefore, 0.50) * 1000)
                    .put("own_p99_ms", ownAfter.quantileSince(ownBefore, 0.99) * 1000)
                    .put("own_p999_ms", ownAfter.quantileSince(ownBefore, 0.999) * 1000);
        }
        log.printf("backend: %s: %,d runs/s, %,d events/s, added latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms"
                        + " (%,d events), %d failed%n", label, json.path("runs_per_s").asLong(),
                json.path("events_per_s").asLong(), json.path("added_p50_ms").asDouble(),
                json.path("added_p99_ms").asDouble(), json.path("added_p999_ms").asDouble(),
                latency.getTotalCount(), json.path("failed_runs").asLong());
        if (router != null) {
            log.printf("backend: %s: the router's own part p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (%,d events, its"
                            + " metric)%n", label, json.path("own_p50_ms").asDouble(), json.path("own_p99_ms").asDouble(),
                    json.path("own_p999_ms").asDouble(), json.path("own_samples").asLong());
        }
        log.flush();
        return json;
    }

    /** One user with one connection and at most one run at a time. */
    private final class User implements ClientConnection.Listener {
        private final String name;
        private final ClientConnection connection;
        private long sent;
        private volatile boolean running;

        User(HttpClient http, String name) {
            this.name = name;
            this.connection = ClientConnection.builder(http).connectTimeout(Duration.ofSeconds(30))
                    .maxQueuedSends(16).listener(this).build();
        }

        void start() {
            running = true;
            connection.send("{\"type\":\"start_agent\",\"message_id\":\"m-" + (sent++)
                    + "\",\"payload\":{\"agent\":\"bench\",\"content\":\"bench\"}}");
        }

        @Override
        public void onText(String text) {
            long now = System.nanoTime();
            int stamp = text.lastIndexOf("\"sent_ns\":");
            if (stamp >= 0) {
                eventsSeen.increment();
                if (recording) {
                    int from = stamp + "\"sent_ns\":".length();
                    int to = from;
                    while (to < text.length() && (Character.isDigit(text.charAt(to)) || text.charAt(to) == '-')) {
                        to++;
                    }
                    added.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(now - Long.parseLong(text, from, to, 10))));
                }
            }
            if (text.startsWith("{\"type\":\"agent_completed\"")) {
                if (!text.contains("\"status\":\"completed\"")) {
                    failedRuns.increment();
                }
                runsDone.increment();
                if (looping.get()) {
                    start();
                } else {
                    running = false;
                }
            }
        }
    }
}
