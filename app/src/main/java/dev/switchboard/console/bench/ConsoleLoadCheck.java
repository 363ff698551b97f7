package dev.switchboard.console.bench;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.ClusterFeed;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import java.io.IOException;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.HdrHistogram.Histogram;

/**
 * Measures the console under load, with an {@link AnimationTimer} on the FX thread recording the
 * gap between pulses (a frozen UI shows as long gaps). Prints one line per 10 s and a final report,
 * then exits. Two loads:
 * <ul>
 *   <li>steady ({@code --users --rate --minutes}): the console's embedded router, many users
 *       sending from this process;</li>
 *   <li>a scenario ({@code --scenario=FILE}): the simulator in a process of its own, against the
 *       console's embedded router ({@code --attach=embedded}) or a router in a third process that
 *       the console watches as a viewer ({@code --attach=remote}). Once every user is connected it
 *       times opening the Connections view and filtering it, and it reports this process's RSS and
 *       CPU, as an on-call engineer's machine would see them. {@code --others-nice=N} runs the
 *       simulator and that router at nice N, so that the console gets the CPU it would have on a
 *       machine of its own; {@code --console-cpu=N} (Linux, {@code taskset}) gives the console CPU N
 *       alone and the simulator and that router every other CPU.</li>
 * </ul>
 *
 * <pre>
 * java -Xms64m -Xmx384m -cp app/target/switchboard-console.jar dev.switchboard.console.bench.ConsoleLoadCheck \
 *     --scenario=src/scenarios/wide-8000.json --attach=remote
 * </pre>
 */
public final class ConsoleLoadCheck extends Application {
    private final Histogram frameGapsMicros = new Histogram(60_000_000L, 3);
    /** The frame gaps since the last 10-second line (read and reset on the reporter's thread). */
    private final org.HdrHistogram.Recorder recentGaps = new org.HdrHistogram.Recorder(60_000_000L, 3);
    private final Histogram applyMicros = new Histogram(60_000_000L, 3);
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
    private final long pid = ProcessHandle.current().pid();
    private ConsoleFeed feed;
    private EmbeddedFeed embedded;
    private ChildRouter childRouter;
    private Process simulator;
    private SteadyLoad load;
    private Process loadProcess;
    private Path loadLog;
    private final List<String> liveHeap = new ArrayList<>();
    private ConsoleState state;
    private Stage stage;
    private long lastPulse;
    /** Where the frame gaps over 33 ms went (FX thread; made at the first pulse, once the renderer runs). */
    private LongGaps longGaps;
    /** When the console's window was asked for, and when its first layout pass ended (FX thread). */
    private volatile long showCalledAt;
    private volatile long firstLaidOutAt;
    private long maxHeap;
    private long maxRssKb;
    private long rssTotalKb;
    private long rssSamples;
    private volatile int connections;
    private volatile long nanosPerPulseWanted = -1;
    private final List<String> timings = new ArrayList<>();
    /** How many of the longest frame gaps the report lists, with when each ended. */
    private static final int LONGEST_LISTED = 5;
    /** The longest frame gaps so far, longest first: {gap in µs, when it ended in ms since the start} (FX thread). */
    private final List<long[]> longestGaps = new ArrayList<>();
    private final long checkStartedAt = System.nanoTime();

    @Override
    public void start(Stage primary) throws Exception {
        this.stage = primary;
        Map<String, String> named = getParameters().getNamed();
        state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        state.onApply(nanos -> applyMicros.recordValue(Math.min(60_000_000L, nanos / 1000)));
        state.addListener(batch -> {
            MonitorFrame latest = batch.latest();
            if (latest != null && latest.stats() != null) {
                connections = latest.stats().connections();
            }
        });
        watchFullCollections(Integer.parseInt(named.getOrDefault("live-heap-every-s", "0")));
        ChildProcess.Placement others = placeConsoleAndOthers(named);
        if (named.containsKey("scenario")) {
            startScenario(Path.of(named.get("scenario")), named.getOrDefault("attach", "embedded"), others);
        } else {
            startSteady(named, others);
        }
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (lastPulse != 0) {
                    long gap = Math.min(60_000_000L, (now - lastPulse) / 1000);
                    frameGapsMicros.recordValue(gap);
                    recentGaps.recordValue(gap);
                    keepIfLongest(gap, (now - checkStartedAt) / 1_000_000);
                    longGaps.pulse(now - lastPulse);
                } else {
                    longGaps = new LongGaps(33_000_000L);
                    longGaps.pulse(0);
                }
                lastPulse = now;
            }
        }.start();
        reporter.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** Builds and shows the console's window; the time to the end of its first layout pass is reported. */
    private void showConsole() {
        showCalledAt = System.nanoTime();
        new ConsoleApp().show(stage, feed, state);
        afterNextLayout(stage.getScene(), () -> firstLaidOutAt = System.nanoTime());
    }

    private void keepIfLongest(long gapMicros, long endedAtMillis) {
        int at = 0;
        while (at < longestGaps.size() && longestGaps.get(at)[0] >= gapMicros) {
            at++;
        }
        if (at < LONGEST_LISTED) {
            longestGaps.add(at, new long[] {gapMicros, endedAtMillis});
            if (longestGaps.size() > LONGEST_LISTED) {
                longestGaps.remove(LONGEST_LISTED);
            }
        }
    }

    /**
     * With {@code --console-cpu=N}, moves this process (the console, and its embedded router if any),
     * all its threads, to CPU N (those it starts later inherit it). Returns where the load and a
     * remote router are to run: at nice {@code --others-nice}, and on every CPU but N.
     */
    private ChildProcess.Placement placeConsoleAndOthers(Map<String, String> named) throws IOException,
            InterruptedException {
        int nice = Integer.parseInt(named.getOrDefault("others-nice", "0"));
        String console = named.get("console-cpu");
        if (console == null) {
            return new ChildProcess.Placement(nice, null);
        }
        int cpu = Integer.parseInt(console);
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2 || cpu < 0 || cpu >= cpus) {
            throw new IllegalArgumentException("--console-cpu=" + cpu + " needs at least two CPUs, numbered 0 to "
                    + (cpus - 1) + " here");
        }
        Process pin = new ProcessBuilder("taskset", "-a", "-p", "-c", console, Long.toString(pid))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (pin.waitFor() != 0) {
            throw new IllegalStateException("taskset could not move this process to CPU " + cpu);
        }
        String rest = java.util.stream.IntStream.range(0, cpus).filter(other -> other != cpu)
                .mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
        System.out.println("console on CPU " + cpu + "; the load and any router of its own on CPUs " + rest);
        return new ChildProcess.Placement(nice, rest);
    }

    /**
     * Records the heap left after every full collection (the live set: the console's, and its
     * embedded router's), and when {@code everySeconds} is above 0 asks for one that often, so that
     * a run has a series even when the collector never needs a full one. Those collections pause the
     * FX thread too: their gaps are in the frame-gap figures.
     */
    private void watchFullCollections(int everySeconds) {
        long began = System.nanoTime();
        java.util.Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                .map(java.lang.management.MemoryPoolMXBean::getName).collect(java.util.stream.Collectors.toSet());
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(collector instanceof NotificationEmitter emitter)) {
                continue;
            }
            emitter.addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                if (info.getGcAction().contains("major")) {
                    // the heap's pools only: the map holds every pool, Metaspace and the code cache too
                    long after = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> heapPools.contains(pool.getKey()))
                            .mapToLong(pool -> pool.getValue().getUsed()).sum();
                    synchronized (liveHeap) {
                        liveHeap.add(String.format("%ds %dMB", (System.nanoTime() - began) / 1_000_000_000L,
                                after >> 20));
                    }
                }
            }, null, null);
        }
        if (everySeconds > 0) {
            reporter.scheduleAtFixedRate(System::gc, everySeconds, everySeconds, TimeUnit.SECONDS);
        }
    }

    /** Many users sending to the embedded router for {@code --minutes}, from this process or ({@code --load=process}) another. */
    private void startSteady(Map<String, String> named, ChildProcess.Placement others) throws IOException {
        int users = Integer.parseInt(named.getOrDefault("users", "500"));
        int rate = Integer.parseInt(named.getOrDefault("rate", "20"));
        double minutes = Double.parseDouble(named.getOrDefault("minutes", "10"));
        RateLimit unlimited = new RateLimit(1_000_000, 100_000);
        // rate limits out of the way (each user sends far more than a person would); the queue as
        // deployed, so that a load the machine cannot route is refused as the router refuses it
        RouterConfig config = RouterConfig.builder().port(0).httpPort(-1).devAuth(true)
                .rateLimits(new RateLimitPolicy(unlimited, unlimited, unlimited, Map.of()))
                .agent(SimulatedAgent.Settings.defaults().withStepDelay(Duration.ofMillis(20)))
                .build();
        embedded = EmbeddedFeed.start(config);
        feed = embedded;
        showConsole();
        Duration duration = Duration.ofMillis((long) (minutes * 60_000));
        long startedAt = System.nanoTime();
        long[] lastReceived = {0};
        if (named.getOrDefault("load", "here").equals("process")) {
            // the load in a JVM of its own, as the simulator runs against a developer's console
            loadLog = Files.createTempFile("console-load-steady-", ".log");
            loadProcess = new ProcessBuilder(others.apply(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                    "-cp", System.getProperty("java.class.path"), SteadyLoad.class.getName(),
                    "--url", embedded.router().clientUri().toString(), "--users", Integer.toString(users),
                    "--rate", Integer.toString(rate), "--run-every", "50",
                    "--seconds", Long.toString(duration.toSeconds()))))
                    .redirectErrorStream(true).redirectOutput(loadLog.toFile()).start();
        } else {
            load = new SteadyLoad(embedded.router().clientUri(), users, rate, 50, duration);
            reporter.execute(load::start);
        }
        reporter.scheduleAtFixedRate(() -> {
            long routed = embedded.router().stats().received();
            Histogram window = recentGaps.getIntervalHistogram();
            System.out.printf("t=%3ds users=%d routed/s=%.0f sent=%s skipped=%s heap=%dMB rss=%dMB frame-gap p99=%.1fms"
                            + " max=%.1fms, in these 10 s p99=%.1fms max=%.1fms%n",
                    (System.nanoTime() - startedAt) / 1_000_000_000L,
                    load != null ? load.connectedUsers()
                            : embedded.router().stats().connectionsOpened() - embedded.router().stats().connectionsClosed(),
                    (routed - lastReceived[0]) / 10.0, load != null ? load.sent() : "-", load != null ? load.skipped() : "-",
                    memory.getHeapMemoryUsage().getUsed() >> 20, rssKb() >> 10,
                    frameGapsMicros.getValueAtPercentile(99) / 1000.0, frameGapsMicros.getMaxValue() / 1000.0,
                    window.getValueAtPercentile(99) / 1000.0, window.getMaxValue() / 1000.0);
            lastReceived[0] = routed;
        }, 10, 10, TimeUnit.SECONDS);
        long cpuBefore = ChildProcess.cpuMillis(pid);
        reporter.schedule(() -> {
            // the console's and its embedded router's: they share this process
            System.out.printf("REPORT console CPU (router included): %.1f s over %.0f s%n",
                    (ChildProcess.cpuMillis(pid) - cpuBefore) / 1000.0, (System.nanoTime() - startedAt) / 1e9);
            report(startedAt);
        }, duration.toMillis() + 2_000, TimeUnit.MILLISECONDS);
    }

    /**
     * The simulator in a process of its own; the console embedded or attached to a router of its own.
     * Both run where {@code others} says ({@link #placeConsoleAndOthers}): on this shared 2-core machine the console
     * otherwise competes with the 10,000 simulated users, which an on-call engineer's laptop does not.
     */
    private void startScenario(Path scenarioFile, String attach, ChildProcess.Placement others) throws IOException,
            InterruptedException {
        Scenario scenario = Scenario.read(scenarioFile);
        URI clientUri;
        if (attach.equals("remote")) {
            String secret = Base64.getEncoder().encodeToString(SecureRandom.getSeed(32));
            childRouter = ChildRouter.start("1g", true, List.of(), Map.of("SWITCHBOARD_JWT_SECRET", secret),
                    others);
            clientUri = childRouter.clientUri();
            String token = new TokenService(secret, Clock.systemUTC()).mint("oncall", Role.VIEWER, Duration.ofHours(2));
            feed = ClusterFeed.attach(URI.create("ws://127.0.0.1:" + clientUri.getPort() + "/monitor"), token);
        } else if (attach.equals("embedded")) {
            // the console's own router as a developer runs it: defaults, dev auth, no HTTP port
            embedded = EmbeddedFeed.start(RouterConfig.builder().port(0).httpPort(-1).devAuth(true).build());
            feed = embedded;
            clientUri = embedded.router().clientUri();
        } else {
            throw new IllegalArgumentException("--attach must be embedded or remote");
        }
        showConsole();
        Path simLog = Files.createTempFile("console-load-sim-", ".log");
        simulator = new ProcessBuilder(others.apply(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), "dev.switchboard.console.Main", "simulate",
                "--url", clientUri.toString(), "--scenario", scenarioFile.toString(), "--progress-ms", "10000")))
                .redirectErrorStream(true).redirectOutput(simLog.toFile()).start();
        long startedAt = System.nanoTime();
        long cpuBefore = ChildProcess.cpuMillis(pid);
        int users = scenario.totalUsers();
        AtomicInteger measured = new AtomicInteger();
        reporter.scheduleAtFixedRate(() -> {
            Histogram window = recentGaps.getIntervalHistogram();
            System.out.printf("t=%3ds connections=%d heap=%dMB rss=%dMB cpu=%.1fs frame-gap in these 10 s: p99=%.1fms"
                            + " max=%.1fms%n", (System.nanoTime() - startedAt) / 1_000_000_000L, connections,
                    memory.getHeapMemoryUsage().getUsed() >> 20, rssKb() >> 10,
                    (ChildProcess.cpuMillis(pid) - cpuBefore) / 1000.0, window.getValueAtPercentile(99) / 1000.0,
                    window.getMaxValue() / 1000.0);
            if (connections >= users && measured.compareAndSet(0, 1)) {
                reporter.schedule(() -> Platform.runLater(() -> timeConnectionsView(scenario)), 5, TimeUnit.SECONDS);
            }
        }, 10, 10, TimeUnit.SECONDS);
        Thread waiter = new Thread(() -> {
            try {
                simulator.waitFor();
                System.out.println("simulator: " + String.join(" | ", Files.readAllLines(simLog).stream()
                        .filter(line -> line.contains("failed") || line.contains("ack") || line.contains("PASS")
                                || line.contains("FAIL")).toList()));
                System.out.printf("REPORT console CPU: %.1f s over %.0f s%n",
                        (ChildProcess.cpuMillis(pid) - cpuBefore) / 1000.0, (System.nanoTime() - startedAt) / 1e9);
                report(startedAt);
            } catch (InterruptedException | IOException e) {
                Platform.runLater(Platform::exit);
            }
        }, "load-check-simulator");
        waiter.setDaemon(true);
        waiter.start();
    }

    /**
     * Times what the on-call engineer does first: open the Connections view (from the click to the
     * end of the pulse that lays it out), then type part of a user id in its filter.
     */
    private void timeConnectionsView(Scenario scenario) {
        Scene scene = stage.getScene();
        TabPane tabs = (TabPane) scene.lookup(".tab-pane");
        Tab connectionsTab = tabs.getTabs().stream().filter(tab -> "tab-connections".equals(tab.getId())).findFirst()
                .orElseThrow();
        tabs.getSelectionModel().select(0);
        Platform.runLater(() -> {
            long began = System.nanoTime();
            long[] thread = ThreadTime.now();
            tabs.getSelectionModel().select(connectionsTab);
            afterNextLayout(scene, () -> {
                timings.add(String.format("Connections view opened the first time in %.1f ms (%,d connections)%s",
                        (System.nanoTime() - began) / 1e6, connections, ThreadTime.since(thread)));
                tabs.getSelectionModel().select(0);
                Platform.runLater(() -> afterNextLayout(scene, () -> timeSecondOpen(scene, tabs, connectionsTab,
                        scenario)));
            });
        });
    }

    /** The second opening (what every later one costs), then the filter. */
    private void timeSecondOpen(Scene scene, TabPane tabs, Tab connectionsTab, Scenario scenario) {
        Platform.runLater(() -> {
            long began = System.nanoTime();
            long[] thread = ThreadTime.now();
            tabs.getSelectionModel().select(connectionsTab);
            afterNextLayout(scene, () -> {
                timings.add(String.format("Connections view opened again in %.1f ms (%,d connections)%s",
                        (System.nanoTime() - began) / 1e6, connections, ThreadTime.since(thread)));
                TextField filter = (TextField) scene.lookup("#connections-filter");
                String prefix = scenario.groups().get(0).userPrefix();
                timeFilter(scene, filter, List.of(prefix + "-12", prefix + "-34", prefix + "-56"), 0);
            });
        });
    }

    /**
     * Types each of {@code wanted} in the filter and clears it, timing both: the first is the first
     * the console ever runs (its code not compiled yet), the others what an operator's later ones cost.
     */
    private void timeFilter(Scene scene, TextField filter, List<String> wanted, int index) {
        if (index == wanted.size()) {
            return;
        }
        String text = wanted.get(index);
        String which = index == 0 ? "" : " (filter " + (index + 1) + ")";
        long filterBegan = System.nanoTime();
        long[] typing = ThreadTime.now();
        filter.setText(text);
        afterNextLayout(scene, () -> {
            timings.add(String.format("Connections filtered to \"%s\" in %.1f ms%s%s", text,
                    (System.nanoTime() - filterBegan) / 1e6, which, ThreadTime.since(typing)));
            long clearBegan = System.nanoTime();
            long[] clearing = ThreadTime.now();
            filter.setText("");
            afterNextLayout(scene, () -> {
                timings.add(String.format("filter cleared in %.1f ms%s%s", (System.nanoTime() - clearBegan) / 1e6,
                        which, ThreadTime.since(clearing)));
                Platform.runLater(() -> timeFilter(scene, filter, wanted, index + 1));
            });
        });
    }

    /** Runs {@code then} once, after the next layout pass of {@code scene}. */
    static void afterNextLayout(Scene scene, Runnable then) {
        Runnable[] once = new Runnable[1];
        once[0] = () -> {
            scene.removePostLayoutPulseListener(once[0]);
            then.run();
        };
        scene.addPostLayoutPulseListener(once[0]);
        Platform.requestNextPulse();
    }

    private void sample() {
        long heap = memory.getHeapMemoryUsage().getUsed();
        maxHeap = Math.max(maxHeap, heap);
        long rss = rssKb();
        maxRssKb = Math.max(maxRssKb, rss);
        rssTotalKb += rss;
        rssSamples++;
    }

    /** A copy of the longest gaps, taken on the FX thread. */
    private List<long[]> longestGaps() {
        List<long[]> copy = onFxThread(() -> List.copyOf(longestGaps));
        return copy == null ? List.of() : copy;
    }

    /** What {@code read} gives on the FX thread, or null if it does not answer within 5 s. */
    private static <T> T onFxThread(java.util.function.Supplier<T> read) {
        java.util.concurrent.CompletableFuture<T> answer = new java.util.concurrent.CompletableFuture<>();
        Platform.runLater(() -> answer.complete(read.get()));
        try {
            return answer.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private long rssKb() {
        try {
            return IdleConnections.rssKb(pid);
        } catch (IOException e) {
            return 0;
        }
    }

    private void report(long startedAt) {
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        if (embedded != null && (load != null || loadProcess != null)) {
            long routed = embedded.router().stats().received();
            System.out.printf("REPORT duration=%.0fs routed=%d (%.0f msg/s)%s%n", seconds, routed, routed / seconds,
                    load == null ? "" : " sent=" + load.sent() + " skipped=" + load.skipped());
        }
        System.out.printf("REPORT fx frame gap: p50=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms over %d pulses%n",
                frameGapsMicros.getValueAtPercentile(50) / 1000.0, frameGapsMicros.getValueAtPercentile(99) / 1000.0,
                frameGapsMicros.getValueAtPercentile(99.9) / 1000.0, frameGapsMicros.getMaxValue() / 1000.0,
                frameGapsMicros.getTotalCount());
        System.out.printf("REPORT window: built, shown and laid out %.0f ms after the console was asked for it (frame"
                + " gaps count from its first pulse)%n", (firstLaidOutAt - showCalledAt) / 1e6);
        System.out.println("REPORT longest frame gaps (ending at, since the check started): " + longestGaps().stream()
                .map(gap -> String.format(java.util.Locale.ROOT, "%.1fms at %.1fs", gap[0] / 1000.0, gap[1] / 1000.0))
                .collect(java.util.stream.Collectors.joining(", ")));
        System.out.println("REPORT within the frame gaps: " + onFxThread(() -> {
            if (longGaps == null) {
                return "no pulse";
            }
            String summary = longGaps.summary();
            longGaps.close(); // the pulses after it read nothing
            return summary;
        }));
        System.out.println("REPORT the console's busiest threads (living ones): " + String.join("; ", LongGaps.busiestThreads(8)));
        System.out.printf("REPORT tick (apply feed to view models, FX thread): p50=%.2fms p99=%.2fms max=%.2fms over %d ticks%n",
                applyMicros.getValueAtPercentile(50) / 1000.0, applyMicros.getValueAtPercentile(99) / 1000.0,
                applyMicros.getMaxValue() / 1000.0, applyMicros.getTotalCount());
        System.out.printf("REPORT heap used: max=%dMB; RSS: max=%dMB mean=%dMB (JVM: %s)%n", maxHeap >> 20,
                maxRssKb >> 10, rssSamples == 0 ? 0 : (rssTotalKb / rssSamples) >> 10,
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(arg -> arg.startsWith("-X")).toList()));
        timings.forEach(line -> System.out.println("REPORT " + line));
        synchronized (liveHeap) {
            System.out.println("REPORT heap after each full collection (live set): "
                    + (liveHeap.isEmpty() ? "none happened" : String.join(", ", liveHeap)));
        }
        if (loadLog != null) {
            try {
                // its timer started once its users had connected: let it print its last line
                loadProcess.waitFor(30, TimeUnit.SECONDS);
                List<String> lines = Files.readAllLines(loadLog);
                System.out.println("REPORT load process: " + (lines.isEmpty() ? "no output" : lines.get(lines.size() - 1)));
            } catch (IOException e) {
                System.out.println("REPORT load process: output unreadable (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (load != null) {
            load.close();
        }
        Platform.runLater(Platform::exit);
    }

    @Override
    public void stop() throws Exception {
        reporter.shutdownNow();
        if (load != null) {
            load.close();
        }
        if (simulator != null) {
            simulator.destroy();
        }
        if (loadProcess != null) {
            loadProcess.destroy();
        }
        if (feed != null) {
            feed.close();
        }
        if (childRouter != null) {
            childRouter.close();
        }
    }
}
