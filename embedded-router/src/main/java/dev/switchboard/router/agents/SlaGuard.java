package dev.switchboard.router.agents;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sliding time window of run outcomes and the two checks a rollout is judged by: p95 latency
 * against the backend's budget plus the router's allowed overhead, and the success rate.
 */
public final class SlaGuard {
    private static final int MAX_SAMPLES = 10_000;

    /**
     * The guard's thresholds.
     *
     * @param window         how far back samples count
     * @param maxOverhead    latency allowed over the backend's budget at p95 (default 50 ms)
     * @param minSuccessRate success rate below which the guard trips (default 0.99)
     * @param minSamples     samples needed in the window before the guard judges (default 20)
     */
    public record Thresholds(Duration window, Duration maxOverhead, double minSuccessRate, int minSamples) {
        public Thresholds {
            Objects.requireNonNull(window, "window must not be null");
            Objects.requireNonNull(maxOverhead, "maxOverhead must not be null");
            if (minSuccessRate < 0 || minSuccessRate > 1 || minSamples < 1) {
                throw new IllegalArgumentException("minSuccessRate must be 0 to 1 and minSamples at least 1");
            }
        }

        /** 60 s window, 50 ms overhead, 99% success, 20 samples. */
        public static Thresholds defaults() {
            return new Thresholds(Duration.ofSeconds(60), Duration.ofMillis(50), 0.99, 20);
        }
    }

    /**
     * The window now.
     *
     * @param samples     outcomes in the window
     * @param p95Ms       95th percentile latency, 0 when empty
     * @param successRate share of successes, 1 when empty
     */
    public record Window(int samples, long p95Ms, double successRate) {
    }

    private record Sample(long atMillis, long latencyMs, boolean success) {
    }

    private final Thresholds thresholds;
    private final Clock clock;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private int successes;
    /** The window as last computed; null once the samples changed. */
    private Window cached;

    public SlaGuard(Thresholds thresholds, Clock clock) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /**
     * Records one outcome and judges the window.
     *
     * @param budget the backend's latency budget
     * @return null when within the SLA (or too few samples), else why not
     */
    public synchronized String record(long latencyMs, boolean success, Duration budget) {
        add(latencyMs, success);
        if (samples.size() < thresholds.minSamples()) {
            return null;
        }
        Window window = window();
        long limitMs = budget.toMillis() + thresholds.maxOverhead().toMillis();
        if (window.p95Ms() > limitMs) {
            return "p95 latency " + window.p95Ms() + " ms over the " + limitMs + " ms limit (budget "
                    + budget.toMillis() + " ms + " + thresholds.maxOverhead().toMillis() + " ms overhead) over "
                    + window.samples() + " runs";
        }
        if (window.successRate() < thresholds.minSuccessRate()) {
            return String.format(java.util.Locale.ROOT, "success rate %.1f%% below %.1f%% over %d runs",
                    window.successRate() * 100, thresholds.minSuccessRate() * 100, window.samples());
        }
        return null;
    }

    /**
     * Records one outcome without judging the window (the stable side, kept only to compare with):
     * constant time, where judging sorts the window.
     */
    public synchronized void add(long latencyMs, boolean success) {
        samples.add(new Sample(clock.millis(), latencyMs, success));
        if (success) {
            successes++;
        }
        if (samples.size() > MAX_SAMPLES) {
            drop();
        }
        trim();
        cached = null;
    }

    /** The window as it is now (sorted once per change of the samples, not per call). */
    public synchronized Window window() {
        int before = samples.size();
        trim();
        if (samples.size() != before) {
            cached = null;
        }
        if (samples.isEmpty()) {
            return new Window(0, 0, 1.0);
        }
        if (cached != null) {
            return cached;
        }
        long[] latencies = new long[samples.size()];
        int i = 0;
        for (Sample sample : samples) {
            latencies[i++] = sample.latencyMs();
        }
        Arrays.sort(latencies);
        int rank = (int) Math.ceil(0.95 * latencies.length) - 1;
        cached = new Window(latencies.length, latencies[Math.max(0, rank)], (double) successes / latencies.length);
        return cached;
    }

    /** Forgets every sample (a new rollout starts from scratch). */
    public synchronized void reset() {
        samples.clear();
        successes = 0;
        cached = null;
    }

    private void trim() {
        long cutoff = clock.millis() - thresholds.window().toMillis();
        while (!samples.isEmpty() && samples.peekFirst().atMillis() < cutoff) {
            drop();
        }
    }

    private void drop() {
        if (samples.pollFirst().success()) {
            successes--;
        }
    }
}
