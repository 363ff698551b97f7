package dev.switchboard.router.protection;

import dev.switchboard.router.event.Listeners;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Every circuit breaker of the router, by name ({@code handler:<type>}, {@code backend:<name>}),
 * with Resilience4j doing the state machine. State transitions are published to listeners (the
 * monitor feed) and counted.
 */
public final class Breakers {
    private final CircuitBreakerRegistry registry;
    private final CopyOnWriteArrayList<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<CircuitBreaker>> creationListeners = new CopyOnWriteArrayList<>();
    private final LongAdder transitions = new LongAdder();

    /**
     * One state change.
     *
     * @param breaker the breaker's name
     * @param from    the state it left ({@code closed}, {@code open}, {@code half_open}, …)
     * @param to      the state it entered
     * @param at      when
     */
    public record Transition(String breaker, String from, String to, Instant at) {
    }

    public Breakers(BreakerPolicy policy) {
        this.registry = CircuitBreakerRegistry.of(Objects.requireNonNull(policy, "policy must not be null").toConfig());
    }

    /** The breaker with this name, created on first use. */
    public synchronized CircuitBreaker breaker(String name) {
        CircuitBreaker existing = registry.find(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        CircuitBreaker created = registry.circuitBreaker(name);
        created.getEventPublisher().onStateTransition(event -> {
            transitions.increment();
            Transition transition = new Transition(name, wire(event.getStateTransition().getFromState()),
                    wire(event.getStateTransition().getToState()), event.getCreationTime().toInstant());
            Listeners.notifyEach(listeners, listener -> listener.accept(transition), "breaker transition");
        });
        Listeners.notifyEach(creationListeners, listener -> listener.accept(created), "breaker created");
        return created;
    }

    /** Hears every state transition (the listener must not block). */
    public void onTransition(Consumer<Transition> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /** Calls {@code listener} for every breaker, now and whenever one is created. */
    public synchronized void onBreaker(Consumer<CircuitBreaker> listener) {
        creationListeners.add(Objects.requireNonNull(listener, "listener must not be null"));
        registry.getAllCircuitBreakers().forEach(listener);
    }

    /** Every breaker's state now, by name. */
    public Map<String, String> states() {
        Map<String, String> states = new TreeMap<>();
        registry.getAllCircuitBreakers().forEach(breaker -> states.put(breaker.getName(), wire(breaker.getState())));
        return states;
    }

    /** Transitions since start. */
    public long transitionCount() {
        return transitions.sum();
    }

    /** A state's wire name: {@code closed}, {@code open}, {@code half_open}, {@code disabled}, {@code forced_open}. */
    public static String wire(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
