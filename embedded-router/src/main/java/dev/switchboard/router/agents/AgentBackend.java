package dev.switchboard.router.agents;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A named agent executor with what routing needs to know about it: its weight, its latency
 * budget, its circuit breaker, the runs it has in flight and a moving average of its latency.
 */
public final class AgentBackend {
    private static final double EWMA_ALPHA = 0.2;
    /** Runs the latency percentiles are taken over. */
    private static final int RECENT = 512;

    /**
     * A run that failed on the backend.
     *
     * @param reason the run's error or failure reason ({@code backend_unavailable}, {@code timeout}, …)
     * @param at     when it ended
     */
    public record Failure(String reason, Instant at) {
    }

    /**
     * A fault an operator injected into the backend: the router applies it before calling the
     * backend, whatever its kind.
     *
     * @param paused      no run goes to it (strategies skip it; a run that names it fails {@code unavailable})
     * @param latencyMs   how long the router waits before each call
     * @param failureRate the share of calls the router fails instead of making (0 to 1), as the
     *                    backend failing would: {@code backend_unavailable}, counted by its breaker
     * @param expiresAt   when it is lifted by itself
     * @param by          who injected it (the subject of the operator's token)
     */
    public record Fault(boolean paused, long latencyMs, double failureRate, Instant expiresAt, String by) {
        public Fault {
            if (latencyMs < 0 || !(failureRate >= 0 && failureRate <= 1)) {
                throw new IllegalArgumentException("latencyMs must be at least 0 and failureRate within 0 to 1");
            }
        }
    }

    private final String name;
    private final AgentExecutor executor;
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final int weight;
    private final Duration budget;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong ewmaLatencyBits = new AtomicLong(Double.doubleToLongBits(0));
    private final LongAdder runs = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final long[] recentLatencies = new long[RECENT];
    private long recentCount;
    private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

    /**
     * @param name     unique name ({@code sim-fast}, …)
     * @param executor the executor
     * @param weight   share for the weighted strategy, at least 1
     * @param budget   the latency the backend is allowed (the SLA guard adds the router's overhead)
     * @param breaker  this backend's circuit breaker
     */
    public AgentBackend(String name, AgentExecutor executor, int weight, Duration budget, CircuitBreaker breaker) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.executor = Objects.requireNonNull(executor, "executor must not be null");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1");
        }
        this.weight = weight;
        this.budget = Objects.requireNonNull(budget, "budget must not be null");
        this.breaker = Objects.requireNonNull(breaker, "breaker must not be null");
    }

    public String name() {
        return name;
    }

    public AgentExecutor executor() {
        return executor;
    }

    public int weight() {
        return weight;
    }

    public Duration budget() {
        return budget;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Healthy: not paused by an operator, its breaker lets calls through and its own health check passes. */
    public boolean isHealthy() {
        CircuitBreaker.State state = breaker.getState();
        Fault now = fault.get();
        return (now == null || !now.paused()) && state != CircuitBreaker.State.OPEN
                && state != CircuitBreaker.State.FORCED_OPEN && executor.isHealthy();
    }

    /** The fault an operator injected, or null. */
    public Fault fault() {
        return fault.get();
    }

    /** Injects {@code injected} (replacing any earlier one), or lifts the fault (null). */
    public void fault(Fault injected) {
        fault.set(injected);
    }

    /** Lifts {@code expected} if it is still the backend's fault (a later one replaced it otherwise). */
    public boolean liftFault(Fault expected) {
        return fault.compareAndSet(expected, null);
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Moving average of run latency in milliseconds (0 before the first run). */
    public double averageLatencyMs() {
        return Double.longBitsToDouble(ewmaLatencyBits.get());
    }

    public long runs() {
        return runs.sum();
    }

    public long failures() {
        return failures.sum();
    }

    /** Counts a run starting on this backend (called by the run tracker). */
    public void started() {
        inFlight.incrementAndGet();
        runs.increment();
    }

    /** Remembers why and when a run last failed on this backend (called by the run tracker). */
    public void failed(String reason, Instant at) {
        lastFailure.set(new Failure(reason, at));
    }

    /** The last failed run's reason and time, or null. */
    public Failure lastFailure() {
        return lastFailure.get();
    }

    /**
     * The 50th and 95th percentile run time over the last {@value #RECENT} runs, in ms; zeros before
     * the first run.
     */
    public long[] latencyPercentilesMs() {
        long[] sorted;
        synchronized (recentLatencies) {
            sorted = Arrays.copyOf(recentLatencies, (int) Math.min(recentCount, recentLatencies.length));
        }
        if (sorted.length == 0) {
            return new long[] {0, 0};
        }
        Arrays.sort(sorted);
        return new long[] {sorted[(sorted.length - 1) / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1]};
    }

    /** Counts a run ending on this backend (called by the run tracker). */
    public void finished(long latencyMs, boolean failed) {
        inFlight.decrementAndGet();
        if (failed) {
            failures.increment();
        }
        synchronized (recentLatencies) {
            recentLatencies[(int) (recentCount++ % recentLatencies.length)] = latencyMs;
        }
        ewmaLatencyBits.getAndUpdate(bits -> {
            double previous = Double.longBitsToDouble(bits);
            double next = previous == 0 ? latencyMs : previous + EWMA_ALPHA * (latencyMs - previous);
            return Double.doubleToLongBits(next);
        });
    }
}
