package dev.switchboard.router.agents;

import dev.switchboard.router.event.Listeners;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How a candidate backend is rolled out beside the stable pool: off, shadow (a share of runs also
 * go to the candidate, output discarded), partial (a share of users, sticky by user id), or full
 * (everyone; the stable pool stays as fallback). An {@link SlaGuard} watches the candidate and
 * rolls back to off on a breach. Changing the mode never touches runs in flight.
 */
public final class Rollout {

    /** The rollout modes. */
    public enum Mode {
        OFF, SHADOW, PARTIAL, FULL;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * The rollout now.
     *
     * @param mode           the mode
     * @param candidate      the candidate backend's name, or null
     * @param percent        share of runs (shadow) or users (partial), 0 to 100
     * @param changedAt      when the mode last changed
     * @param rollbackReason why the guard last rolled back, or null
     */
    public record State(Mode mode, String candidate, int percent, Instant changedAt, String rollbackReason) {
        public State {
            Objects.requireNonNull(mode, "mode must not be null");
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("percent must be 0 to 100");
            }
            if (mode != Mode.OFF && candidate == null) {
                throw new IllegalArgumentException("a " + mode.wire() + " rollout needs a candidate");
            }
        }
    }

    /**
     * One change of the rollout, for the monitor feed.
     *
     * @param kind   {@code change} (mode or percentage set by an operator) or {@code rollback} (by the guard)
     * @param from   the state before
     * @param to     the state after
     * @param reason why (the guard's finding, or "operator")
     */
    public record Transition(String kind, State from, State to, String reason) {
    }

    private final Clock clock;
    private final SlaGuard candidateGuard;
    private final SlaGuard stableGuard;
    private final CopyOnWriteArrayList<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> transitions = new ConcurrentHashMap<>();
    private final ArrayDeque<Transition> history = new ArrayDeque<>();
    private volatile State state;

    public Rollout(State initial, SlaGuard.Thresholds thresholds, Clock clock) {
        this.state = Objects.requireNonNull(initial, "initial must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.candidateGuard = new SlaGuard(thresholds, clock);
        this.stableGuard = new SlaGuard(thresholds, clock);
        for (String kind : List.of("change", "rollback")) {
            transitions.put(kind, new LongAdder());
        }
    }

    /** No rollout. */
    public static State off(Instant now) {
        return new State(Mode.OFF, null, 0, now, null);
    }

    public State state() {
        return state;
    }

    /** Sets mode, candidate and percentage (an operator's change); the guard's window starts afresh. */
    public synchronized void set(Mode mode, String candidate, int percent) {
        State next = new State(mode, mode == Mode.OFF ? state.candidate() : candidate, percent, clock.instant(), null);
        if (next.mode() != state.mode() || !Objects.equals(next.candidate(), state.candidate())) {
            candidateGuard.reset();
            stableGuard.reset();
        }
        change("change", next, "operator");
    }

    /** Records a candidate outcome; rolls back when the guard finds a breach. */
    public void recordCandidate(AgentBackend candidate, long latencyMs, boolean success) {
        String breach = candidateGuard.record(latencyMs, success, candidate.budget());
        if (breach != null) {
            rollBack(breach);
        }
    }

    /** Records a stable-pool outcome, for side-by-side comparison. */
    public void recordStable(AgentBackend backend, long latencyMs, boolean success) {
        // kept to compare with, never judged: no sort on every run's end
        stableGuard.add(latencyMs, success);
    }

    private synchronized void rollBack(String reason) {
        if (state.mode() == Mode.OFF) {
            return;
        }
        change("rollback", new State(Mode.OFF, state.candidate(), 0, clock.instant(), reason), reason);
        candidateGuard.reset();
    }

    private void change(String kind, State next, String reason) {
        Transition transition = new Transition(kind, state, next, reason);
        state = next;
        transitions.get(kind).increment();
        synchronized (history) {
            history.addLast(transition);
            while (history.size() > 100) {
                history.removeFirst();
            }
        }
        Listeners.notifyEach(listeners, listener -> listener.accept(transition), "rollout transition");
    }

    /** Hears every transition (must not block). */
    public void onTransition(Consumer<Transition> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /** The last 100 transitions, oldest first. */
    public List<Transition> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Transitions of a kind ({@code change}, {@code rollback}) since start. */
    public long transitionCount(String kind) {
        return transitions.get(kind).sum();
    }

    /** The candidate's window now. */
    public SlaGuard.Window candidateWindow() {
        return candidateGuard.window();
    }

    /** The stable pool's window now, side by side with the candidate's. */
    public SlaGuard.Window stableWindow() {
        return stableGuard.window();
    }

    public SlaGuard.Thresholds thresholds() {
        return candidateGuard.thresholds();
    }
}
