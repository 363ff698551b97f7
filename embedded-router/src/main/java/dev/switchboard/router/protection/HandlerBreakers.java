package dev.switchboard.router.protection;

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
    private final Map<String, Breakers.Watched> byType = new ConcurrentHashMap<>();

    public HandlerBreakers(Breakers breakers) {
        this.breakers = breakers;
    }

    private Breakers.Watched of(String type) {
        Breakers.Watched watched = byType.get(type);
        return watched != null ? watched : byType.computeIfAbsent(type, t -> breakers.watch("handler:" + t));
    }

    /** Whether the handler of {@code type} may be called now. */
    public boolean tryAcquire(String type) {
        Breakers.Watched watched = of(type);
        boolean permitted = watched.breaker().tryAcquirePermission();
        breakers.observe(watched);
        return permitted;
    }

    /** The state of the breaker around {@code type}'s handler, as the monitor names it. */
    public String state(String type) {
        return Breakers.wire(of(type).breaker().getState());
    }

    public void succeeded(String type, long nanos) {
        Breakers.Watched watched = of(type);
        watched.breaker().onSuccess(nanos, TimeUnit.NANOSECONDS);
        breakers.observe(watched);
    }

    public void failed(String type, long nanos, Throwable failure) {
        Breakers.Watched watched = of(type);
        watched.breaker().onError(nanos, TimeUnit.NANOSECONDS, failure);
        breakers.observe(watched);
    }
}
