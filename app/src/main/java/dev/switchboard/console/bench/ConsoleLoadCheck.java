package dev.switchboard.console.bench;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.HdrHistogram.Histogram;

/**
 * Measures the console under load: the console with its embedded router, a steady load from many
 * users, and on the FX thread an {@link AnimationTimer} recording the gap between pulses (a frozen
 * UI shows as long gaps). Prints one line per 10 s and a final report, then exits.
 *
 * <pre>
 * ./mvnw -B -q -pl app javafx:run -Dconsole.main=dev.switchboard.console.bench.ConsoleLoadCheck \
 *     -Djavafx.args="--users=500 --rate=20 --minutes=10"
 * </pre>
 */
public final class ConsoleLoadCheck extends Application {
    private final Histogram frameGapsMicros = new Histogram(60_000_000L, 3);
    private final Histogram applyMicros = new Histogram(60_000_000L, 3);
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();
    private EmbeddedFeed feed;
    private SteadyLoad load;
    private long lastPulse;
    private long maxHeap;
    private long heapSamples;
    private long heapTotal;

    @Override
    public void start(Stage stage) {
        Map<String, String> named = getParameters().getNamed();
        int users = Integer.parseInt(named.getOrDefault("users", "500"));
        int rate = Integer.parseInt(named.getOrDefault("rate", "20"));
        double minutes = Double.parseDouble(named.getOrDefault("minutes", "10"));
        RateLimit unlimited = new RateLimit(1_000_000, 100_000);
        RouterConfig config = RouterConfig.builder().port(0).httpPort(-1).devAuth(true)
                .rateLimits(new RateLimitPolicy(unlimited, unlimited, unlimited, Map.of()))
                .queue(new QueuePolicy(100_000, 10_000, 2, QueuePolicy.defaults().ttl()))
                .agent(SimulatedAgent.Settings.defaults().withStepDelay(Duration.ofMillis(20)))
                .build();
        feed = EmbeddedFeed.start(config);
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        state.onApply(nanos -> applyMicros.recordValue(Math.min(60_000_000L, nanos / 1000)));
        new ConsoleApp().show(stage, feed, state);
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (lastPulse != 0) {
                    frameGapsMicros.recordValue(Math.min(60_000_000L, (now - lastPulse) / 1000));
                }
                lastPulse = now;
            }
        }.start();
        Duration duration = Duration.ofMillis((long) (minutes * 60_000));
        load = new SteadyLoad(feed.router().clientUri(), users, rate, 50, duration);
        long startedAt = System.nanoTime();
        long[] lastReceived = {0};
        reporter.execute(load::start);
        reporter.scheduleAtFixedRate(() -> {
            long heap = memory.getHeapMemoryUsage().getUsed();
            maxHeap = Math.max(maxHeap, heap);
            heapTotal += heap;
            heapSamples++;
        }, 1, 1, TimeUnit.SECONDS);
        reporter.scheduleAtFixedRate(() -> {
            long routed = feed.router().stats().received();
            System.out.printf("t=%3ds users=%d routed/s=%.0f sent=%d skipped=%d heap=%dMB frame-gap p99=%.1fms max=%.1fms%n",
                    (System.nanoTime() - startedAt) / 1_000_000_000L, load.connectedUsers(),
                    (routed - lastReceived[0]) / 10.0, load.sent(), load.skipped(),
                    memory.getHeapMemoryUsage().getUsed() >> 20,
                    frameGapsMicros.getValueAtPercentile(99) / 1000.0, frameGapsMicros.getMaxValue() / 1000.0);
            lastReceived[0] = routed;
        }, 10, 10, TimeUnit.SECONDS);
        reporter.schedule(() -> report(startedAt), duration.toMillis() + 2_000, TimeUnit.MILLISECONDS);
    }

    private void report(long startedAt) {
        double seconds = (System.nanoTime() - startedAt) / 1e9;
        long routed = feed.router().stats().received();
        System.out.printf("REPORT duration=%.0fs routed=%d (%.0f msg/s) sent=%d skipped=%d%n", seconds, routed,
                routed / seconds, load.sent(), load.skipped());
        System.out.printf("REPORT fx frame gap: p50=%.1fms p99=%.1fms p99.9=%.1fms max=%.1fms over %d pulses%n",
                frameGapsMicros.getValueAtPercentile(50) / 1000.0, frameGapsMicros.getValueAtPercentile(99) / 1000.0,
                frameGapsMicros.getValueAtPercentile(99.9) / 1000.0, frameGapsMicros.getMaxValue() / 1000.0,
                frameGapsMicros.getTotalCount());
        System.out.printf("REPORT tick (apply feed to view models, FX thread): p50=%.2fms p99=%.2fms max=%.2fms over %d ticks%n",
                applyMicros.getValueAtPercentile(50) / 1000.0, applyMicros.getValueAtPercentile(99) / 1000.0,
                applyMicros.getMaxValue() / 1000.0, applyMicros.getTotalCount());
        System.out.printf("REPORT heap used: max=%dMB mean=%dMB%n", maxHeap >> 20,
                heapSamples == 0 ? 0 : (heapTotal / heapSamples) >> 20);
        load.close();
        Platform.runLater(Platform::exit);
    }

    @Override
    public void stop() {
        reporter.shutdownNow();
        if (load != null) {
            load.close();
        }
        if (feed != null) {
            feed.close();
        }
    }
}
