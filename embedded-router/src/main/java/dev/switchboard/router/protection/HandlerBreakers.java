package dev.switchboard.router.protection;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One circuit breaker per handler type: a handler that keeps failing is refused fast with
 * {@code unavailable} until probes succeed again. (The router adapts it to the routing layer's
 * {@code HandlerGuard}; protection does not depend on routing.)
 */
public final class HandlerBreakers {
    private final Breakers breakers;
    private final Map<String, CircuitBreaker> byType = new ConcurrentHashMap<>();

    public HandlerBreakers(Breakers breakers) {
        this.breakers = breakers;
    }

    private CircuitBreaker of(String type) {
        CircuitBreaker breaker = byType.get(type);
        return breaker != null ? breaker : byType.computeIfAbsent(type, t -> breakers.watchedBreaker("handler:" + t));
    }

    /** Whether the handler of {@code type} may be called now. */
    public boolean tryAcquire(String type) {
        CircuitBreaker breaker = of(type);
        boolean permitted = breaker.tryAcquirePermission();
        breakers.observe(breaker);
        return permitted;
    }

    /** The state of the breaker around {@code type}'s handler, as the monitor names it. */
    public String state(String type) {
        return Breakers.wire(of(type).getState());
    }

    public void succeeded(String type, long nanos) {
        CircuitBreaker breaker = of(type);
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        breakers.observe(breaker);
    }

    public void failed(String type, long nanos, Throwable failure) {
        CircuitBreaker breaker = of(type);
        breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
        breakers.observe(breaker);
    }
}
