package dev.switchboard.router.protection;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;

/**
 * How circuit breakers trip and recover (Resilience4j, count-based window).
 *
 * @param failureRatePercent failure rate over the window that opens the breaker
 * @param window             calls in the sliding window
 * @param minimumCalls       calls needed before the rate counts
 * @param openFor            how long an open breaker refuses before it lets probes through
 * @param halfOpenProbes     calls let through while half-open to decide
 */
public record BreakerPolicy(float failureRatePercent, int window, int minimumCalls, Duration openFor,
                            int halfOpenProbes) {

    /** 50% of the last 20 calls (at least 10), open for 10 s, 3 probes. */
    public static BreakerPolicy defaults() {
        return new BreakerPolicy(50f, 20, 10, Duration.ofSeconds(10), 3);
    }

    CircuitBreakerConfig toConfig() {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(halfOpenProbes)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordExceptions(Throwable.class)
                .build();
    }
}
