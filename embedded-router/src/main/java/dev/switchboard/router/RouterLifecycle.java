package dev.switchboard.router;

import dev.switchboard.router.Router.State;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the router is in its life, changed only by compare-and-set (as resilience4j's
 * {@code CircuitBreakerStateMachine} does), so concurrent callers of start, stop and the warm-up
 * callbacks can never move it backwards:
 *
 * <pre>
 * NEW ─► STARTING ─► READY
 *            │          ▲
 *            └─► DEGRADED (warm-up failed or late; READY once it completes)
 * any ─► STOPPING ─► STOPPED
 * </pre>
 */
final class RouterLifecycle {
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);

    State state() {
        return state.get();
    }

    /**
     * NEW → STARTING.
     *
     * @throws IllegalStateException when the router was started or stopped before
     */
    void beginStart() {
        State previous = state.compareAndExchange(State.NEW, State.STARTING);
        if (previous == State.STOPPING || previous == State.STOPPED) {
            throw new IllegalStateException("router already stopped; build a new one to start again");
        }
        if (previous != State.NEW) {
            throw new IllegalStateException("router already started (" + previous.name().toLowerCase(Locale.ROOT) + ")");
        }
    }

    /**
     * Opens the gate: STARTING or DEGRADED → {@code next} (READY or DEGRADED).
     *
     * @return whether the gate is open now; false before start and once stopping
     */
    boolean open(State next) {
        if (next != State.READY && next != State.DEGRADED) {
            throw new IllegalArgumentException("the gate opens to ready or degraded, not " + next);
        }
        State previous = state.getAndUpdate(now -> now == State.STARTING || now == State.DEGRADED ? next : now);
        return previous == State.STARTING || previous == State.DEGRADED || previous == State.READY;
    }

    /** STARTING → {@code next} only if still starting (the start-up grace ran out first). */
    boolean openIfStarting(State next) {
        return state.compareAndSet(State.STARTING, next);
    }

    /**
     * Any state → STOPPING.
     *
     * @return true for the one call that began stopping; false when already stopping or stopped
     */
    boolean beginStop() {
        State previous = state.getAndUpdate(now -> now == State.STOPPED ? now : State.STOPPING);
        return previous != State.STOPPING && previous != State.STOPPED;
    }

    /** STOPPING → STOPPED. */
    void stopped() {
        state.compareAndSet(State.STOPPING, State.STOPPED);
    }

    boolean isReady() {
        return state.get() == State.READY;
    }
}
