package dev.switchboard.router.protection;

import dev.switchboard.router.event.Listeners;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
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
    private final Map<String, Forced> forced = new java.util.HashMap<>();
    /** The watched breakers' states as last published, by name. */
    private final Map<String, AtomicReference<CircuitBreaker.State>> seen = new ConcurrentHashMap<>();

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

    /**
     * The breaker with this name, created on first use; its transitions are heard from Resilience4j's
     * events. For breakers called once per run or less: with any consumer registered, Resilience4j
     * builds an event (with a timestamp) for every call, so a breaker called for every message is a
     * {@link #watchedBreaker} instead.
     */
    public CircuitBreaker breaker(String name) {
        return breaker(name, false);
    }

    /**
     * The breaker with this name, created on first use, with no Resilience4j event consumer (so its
     * successful calls build no event objects): whoever calls it calls {@link #observe} after each
     * call that may change its state, and {@link #pollWatched} catches anything else (a test or a
     * library call). Two transitions that overlap between two observations are published as one.
     */
    public CircuitBreaker watchedBreaker(String name) {
        return breaker(name, true);
    }

    private synchronized CircuitBreaker breaker(String name, boolean watched) {
        CircuitBreaker existing = registry.find(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        CircuitBreaker created = registry.circuitBreaker(name);
        if (watched) {
            seen.put(name, new AtomicReference<>(created.getState()));
        } else {
            created.getEventPublisher().onStateTransition(event -> publish(name, event.getStateTransition().getFromState(),
                    event.getStateTransition().getToState(), event.getCreationTime().toInstant()));
        }
        Listeners.notifyEach(creationListeners, listener -> listener.accept(created), "breaker created");
        return created;
    }

    /**
     * A watched breaker with the state last published for it: what a caller of a breaker called for
     * every message keeps, so that {@link #observe(Watched)} looks nothing up.
     *
     * @param breaker the breaker
     * @param seen    its state as last published
     */
    public record Watched(CircuitBreaker breaker, AtomicReference<CircuitBreaker.State> seen) {
    }

    /** The {@link #watchedBreaker} with this name, created on first use, with its last published state. */
    public Watched watch(String name) {
        CircuitBreaker breaker = watchedBreaker(name);
        return new Watched(breaker, seen.get(breaker.getName()));
    }

    /**
     * Publishes a watched breaker's transition when its state is not the one last seen (a few
     * nanoseconds when it is); nothing for other breakers.
     */
    public void observe(CircuitBreaker breaker) {
        AtomicReference<CircuitBreaker.State> last = seen.get(breaker.getName());
        if (last != null) {
            observe(breaker, last);
        }
    }

    /** {@link #observe(CircuitBreaker)} with nothing to look up. */
    public void observe(Watched watched) {
        observe(watched.breaker(), watched.seen());
    }

    private void observe(CircuitBreaker breaker, AtomicReference<CircuitBreaker.State> last) {
        if (last == null || breaker.getState() == last.get()) {
            return;
        }
        // a change: read both again under the lock, so that a thread holding an older state cannot
        // publish it as a transition, and listeners hear this breaker's transitions in order
        synchronized (last) {
            CircuitBreaker.State before = last.get();
            CircuitBreaker.State now = breaker.getState();
            if (now != before) {
                last.set(now);
                publish(breaker.getName(), before, now, Instant.now());
            }
        }
    }

    /** Observes every watched breaker (housekeeping). */
    public void pollWatched() {
        seen.keySet().forEach(name -> registry.find(name).ifPresent(this::observe));
    }

    private void publish(String name, CircuitBreaker.State from, CircuitBreaker.State to, Instant at) {
        transitions.increment();
        Transition transition = new Transition(name, wire(from), wire(to), at);
        Listeners.notifyEach(listeners, listener -> listener.accept(transition), "breaker transition");
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

    /** What an operator may do to a breaker, by its wire name. */
    public enum Force {
        /** Refuse every call until reset or expiry (Resilience4j's forced-open state). */
        FORCE_OPEN("force_open", "forced_open"),
        /** Let every call through, whatever fails (Resilience4j's disabled state). */
        FORCE_CLOSED("force_closed", "forced_closed"),
        /** Back to normal: closed, with its failure counts cleared. */
        RESET("reset", "closed");

        private final String wire;
        private final String state;

        Force(String wire, String state) {
            this.wire = wire;
            this.state = state;
        }

        /** The action's name in the {@code breaker} command. */
        public String wire() {
            return wire;
        }

        /** The state the breaker is in after it. */
        public String state() {
            return state;
        }
    }

    /**
     * A state an operator forced, until it expires or is reset.
     *
     * @param state     {@code forced_open} or {@code forced_closed}
     * @param expiresAt when the breaker goes back to normal by itself
     * @param by        who forced it (the token's subject)
     */
    public record Forced(String state, Instant expiresAt, String by) {
    }

    /**
     * Forces the breaker {@code name} open or closed until {@code expiresAt}, or puts it back to
     * normal ({@link Force#RESET}, {@code expiresAt} ignored).
     *
     * @return the forced state, or null after a reset
     * @throws IllegalArgumentException when the router has no breaker of that name
     */
    public Forced force(String name, Force action, Instant expiresAt, String by) {
        CircuitBreaker breaker = registry.find(name).orElseThrow(() -> new IllegalArgumentException("no breaker " + name));
        synchronized (forced) {
            switch (action) {
                case FORCE_OPEN -> breaker.transitionToForcedOpenState();
                case FORCE_CLOSED -> breaker.transitionToDisabledState();
                case RESET -> breaker.reset();
            }
            observe(breaker);
            if (action == Force.RESET) {
                forced.remove(name);
                return null;
            }
            Forced now = new Forced(action.state(), expiresAt, by);
            forced.put(name, now);
            return now;
        }
    }

    /**
     * Puts {@code name} back to normal if {@code expected} is still what holds it (a later force or
     * reset replaced it otherwise).
     *
     * @return whether it did
     */
    public boolean expire(String name, Forced expected) {
        synchronized (forced) {
            if (!forced.remove(name, expected)) {
                return false;
            }
            registry.find(name).ifPresent(breaker -> {
                breaker.reset();
                observe(breaker);
            });
            return true;
        }
    }

    /** The breakers an operator forced, by name. */
    public Map<String, Forced> forced() {
        synchronized (forced) {
            return new TreeMap<>(forced);
        }
    }

    /** Transitions since start. */
    public long transitionCount() {
        return transitions.sum();
    }

    /**
     * A state's wire name: {@code closed}, {@code open}, {@code half_open}, {@code forced_open} or
     * {@code forced_closed} (Resilience4j's {@code DISABLED}, which only an operator's
     * {@code force_closed} puts a breaker in).
     */
    public static String wire(CircuitBreaker.State state) {
        return state == CircuitBreaker.State.DISABLED ? Force.FORCE_CLOSED.state() : state.name().toLowerCase(Locale.ROOT);
    }
}
