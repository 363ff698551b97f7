package dev.switchboard.router.agents;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A named agent executor with what routing needs to know about it: its weight, its latency
 * budget, its circuit breaker, the runs it has in flight and a moving average of its latency.
 */
public final class AgentBackend {
    private static final double EWMA_ALPHA = 0.2;

    private final String name;
    private final AgentExecutor executor;
    private final int weight;
    private final Duration budget;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong ewmaLatencyBits = new AtomicLong(Double.doubleToLongBits(0));
    private final LongAdder runs = new LongAdder();
    private final LongAdder failures = new LongAdder();

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

    /** Healthy: its breaker lets calls through and its own health check passes. */
    public boolean isHealthy() {
        CircuitBreaker.State state = breaker.getState();
        return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN
                && executor.isHealthy();
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

    /** Counts a run ending on this backend (called by the run tracker). */
    public void finished(long latencyMs, boolean failed) {
        inFlight.decrementAndGet();
        if (failed) {
            failures.increment();
        }
        ewmaLatencyBits.getAndUpdate(bits -> {
            double previous = Double.longBitsToDouble(bits);
            double next = previous == 0 ? latencyMs : previous + EWMA_ALPHA * (latencyMs - previous);
            return Double.doubleToLongBits(next);
        });
    }
}
