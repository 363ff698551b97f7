package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.MonitorFrames;
import dev.switchboard.console.simulate.Measure;
import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.simulate.Simulation;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does watching cost the users anything? The same wide scenario against a fresh router in its own
 * JVM, in alternating rounds without and with monitors attached ({@code /monitor} viewers that read
 * every frame into the console's records, as the console does), and for each setup the connections
 * that failed, the ack p99 the users saw, the router's CPU, and the bytes each viewer received per
 * second once every user was connected.
 */
public final class WatchCheck {
    private static final String SECRET_ENV = "SWITCHBOARD_JWT_SECRET";
    /** After the ramp, this long for the router to settle before the steady window starts. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /**
     * @param scenario the load (all users must connect within its first group's ramp)
     * @param viewers  monitors attached in the watched rounds
     * @param pairs    rounds of each setup, in alternating order (unwatched first, then watched first, …)
     * @param heap     the router's {@code -Xmx}
     * @param parse    whether viewers read every frame into the console's records (else they are
     *                 plain readers that count bytes, which measures the router's cost alone)
     */
    public record Settings(Scenario scenario, int viewers, int pairs, String heap, boolean parse) {
        public Settings {
            if (viewers < 1 || pairs < 1) {
                throw new IllegalArgumentException("viewers and pairs must be at least 1");
            }
        }
    }

    /** What one round measured. */
    record Round(int viewers, int users, long connectionsFailed, long connectionsLost, double ackP50, double ackP99,
                 long sent, double routerCpuSeconds, double kbPerSecondPerViewer, long framesUnreadable,
                 long eventsListed, long eventsCoalesced) {
    }

    private final Settings settings;
    private final PrintWriter out;

    public WatchCheck(Settings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs every round and returns the report (every round, then each setup's medians). */
    public ObjectNode run() throws IOException, InterruptedException {
        List<Round> bare = new ArrayList<>();
        List<Round> watched = new ArrayList<>();
        for (int pair = 0; pair < settings.pairs(); pair++) {
            boolean watchedFirst = pair % 2 == 1;
            for (int i = 0; i < 2; i++) {
                boolean watch = watchedFirst == (i == 0);
                Round round = round(watch ? settings.viewers() : 0);
                (watch ? watched : bare).add(round);
                out.println(line("round " + (pair * 2 + i + 1), round));
                out.flush();
            }
        }
        ObjectNode report = Json.mapper().createObjectNode();
        report.put("scenario", settings.scenario().name()).put("users", settings.scenario().totalUsers())
                .put("viewers", settings.viewers()).put("pairs", settings.pairs());
        ArrayNode rounds = report.putArray("rounds");
        bare.forEach(round -> rounds.add(Json.mapper().valueToTree(round)));
        watched.forEach(round -> rounds.add(Json.mapper().valueToTree(round)));
        double bareP99 = median(bare.stream().mapToDouble(Round::ackP99).toArray());
        double watchedP99 = median(watched.stream().mapToDouble(Round::ackP99).toArray());
        report.put("ack_p99_median_ms_unwatched", bareP99).put("ack_p99_median_ms_watched", watchedP99)
                .put("ack_p99_ratio", round2(watchedP99 / bareP99))
                .put("connections_failed_watched", watched.stream().mapToLong(Round::connectionsFailed).sum())
                .put("kb_per_second_per_viewer_median",
                        median(watched.stream().mapToDouble(Round::kbPerSecondPerViewer).toArray()));
        out.println();
        out.println(table(bare, watched));
        out.printf(Locale.ROOT, "ack p99, median of rounds: %.1f ms unwatched, %.1f ms with %d viewers: ratio %.2f"
                        + " (target <= 1.2); connections failed with viewers: %d (target 0)%n", bareP99, watchedP99,
                settings.viewers(), watchedP99 / bareP99, report.path("connections_failed_watched").asLong());
        out.flush();
        return report;
    }

    private Round round(int viewers) throws IOException, InterruptedException {
        String secret = Base64.getEncoder().encodeToString(SecureRandom.getSeed(32));
        TokenService tokens = new TokenService(secret, Clock.systemUTC());
        try (ChildRouter router = ChildRouter.start(settings.heap(), true, List.of(), Map.of(SECRET_ENV, secret))) {
            List<Viewer> attached = new ArrayList<>();
            try {
                URI monitorUri = URI.create("ws://127.0.0.1:" + router.clientUri().getPort() + "/monitor");
                for (int i = 0; i < viewers; i++) {
                    attached.add(Viewer.attach(monitorUri, tokens.mint("viewer-" + i, Role.VIEWER, Duration.ofHours(1)),
                            settings.parse()));
                }
                long cpuBefore = router.cpuMillis();
                Scenario scenario = settings.scenario();
                long rampMs = scenario.groups().stream().mapToLong(Scenario.Group::rampUpMs).max().orElse(0);
                long windowStart = rampMs + SETTLE.toMillis();
                long windowMs = scenario.durationMs() - windowStart;
                if (windowMs < 5_000) {
                    throw new IllegalArgumentException("the scenario's duration must last at least 10 s past its ramp");
                }
                try (Simulation simulation = new Simulation(router.clientUri(), scenario, null).start()) {
                    long began = System.nanoTime();
                    sleepUntil(began, windowStart);
                    long bytesBefore = attached.stream().mapToLong(viewer -> viewer.bytes.get()).sum();
                    sleepUntil(began, windowStart + windowMs);
                    long bytesAfter = attached.stream().mapToLong(viewer -> viewer.bytes.get()).sum();
                    SimReport report = simulation.report().get(scenario.durationMs() + scenario.drainMs() + 120_000,
                            TimeUnit.MILLISECONDS);
                    Measure.Figures ack = report.latency().get("ack");
                    double kbPerSecond = viewers == 0 ? 0
                            : (bytesAfter - bytesBefore) / 1024.0 / (windowMs / 1000.0) / viewers;
                    return new Round(viewers, report.users(), report.connectionFailures(), report.connectionsLost(),
                            ack.p50(), ack.p99(), report.sent(), (router.cpuMillis() - cpuBefore) / 1000.0,
                            round2(kbPerSecond), attached.stream().mapToLong(viewer -> viewer.unreadable.get()).sum(),
                            attached.stream().mapToLong(viewer -> viewer.listed.get()).sum(),
                            attached.stream().mapToLong(viewer -> viewer.coalesced.get()).sum());
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    throw new IOException("the simulation did not finish: " + e, e);
                }
            } finally {
                attached.forEach(Viewer::close);
            }
        }
    }

    private static void sleepUntil(long began, long offsetMs) throws InterruptedException {
        long left = offsetMs - (System.nanoTime() - began) / 1_000_000;
        if (left > 0) {
            Thread.sleep(left);
        }
    }

    private String table(List<Round> bare, List<Round> watched) {
        StringBuilder table = new StringBuilder();
        table.append("| setup | rounds | connections failed | ack p99 | router CPU | monitor per viewer |\n");
        table.append("|---|---|---|---|---|---|\n");
        table.append(row("router, nothing watching", bare));
        table.append(row("same, " + settings.viewers() + (settings.parse() ? " viewers reading every frame"
                : " plain readers") + " on /monitor", watched));
        return table.toString();
    }

    private static String row(String setup, List<Round> rounds) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %s ms | %s s | %s |%n", setup, rounds.size(),
                join(rounds, round -> String.format(Locale.ROOT, "%,d", round.connectionsFailed())),
                join(rounds, round -> String.format(Locale.ROOT, "%.0f", round.ackP99())),
                join(rounds, round -> String.format(Locale.ROOT, "%.1f", round.routerCpuSeconds())),
                rounds.get(0).viewers() == 0 ? "–"
                        : join(rounds, round -> String.format(Locale.ROOT, "%.1f KB/s", round.kbPerSecondPerViewer())));
    }

    private static String join(List<Round> rounds, java.util.function.Function<Round, String> cell) {
        return String.join(", ", rounds.stream().map(cell).toList());
    }

    private String line(String name, Round round) {
        return String.format(Locale.ROOT, "%s: %d viewers, %,d users, %,d sent, %d connections failed, %d lost,"
                        + " ack p50 %.1f ms p99 %.1f ms, router CPU %.1f s, %.1f KB/s per viewer (%,d events listed,"
                        + " %,d coalesced, %d frames unreadable)", name, round.viewers(), round.users(), round.sent(),
                round.connectionsFailed(), round.connectionsLost(), round.ackP50(), round.ackP99(),
                round.routerCpuSeconds(), round.kbPerSecondPerViewer(), round.eventsListed(), round.eventsCoalesced(),
                round.framesUnreadable());
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /**
     * A {@code /monitor} viewer: counts the bytes of every frame, and reads every frame into the
     * console's records when it parses.
     */
    private static final class Viewer implements ClientConnection.Listener {
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong unreadable = new AtomicLong();
        final AtomicLong listed = new AtomicLong();
        final AtomicLong coalesced = new AtomicLong();
        private ClientConnection connection;
        private boolean parse;

        static Viewer attach(URI monitorUri, String token, boolean parse) {
            Viewer viewer = new Viewer();
            viewer.parse = parse;
            viewer.connection = ClientConnection.builder(HttpClient.newHttpClient()).listener(viewer).build();
            viewer.connection.open(new ClientConnection.Target(monitorUri, token)).orTimeout(10, TimeUnit.SECONDS)
                    .join();
            return viewer;
        }

        @Override
        public void onText(String frame) {
            bytes.addAndGet(frame.getBytes(StandardCharsets.UTF_8).length);
            if (!parse) {
                return;
            }
            try {
                MonitorFrame read = MonitorFrames.read(frame);
                if (read instanceof MonitorUpdate update) {
                    update.events().forEach(event -> {
                        if (event instanceof MonitorEvent.Coalesced counted) {
                            coalesced.addAndGet(counted.events());
                        } else {
                            listed.incrementAndGet();
                        }
                    });
                }
            } catch (RuntimeException e) {
                unreadable.incrementAndGet();
            }
        }

        void close() {
            connection.closeCleanly("done", Duration.ofSeconds(5)).exceptionally(failure -> null).join();
        }
    }
}
