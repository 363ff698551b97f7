package dev.switchboard.router.agents;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The agent backends and how a run picks one: an explicitly named healthy backend, else the
 * rollout (partial or full sends to the candidate), else the strategy over the healthy stable
 * backends (every backend but the rollout's candidate). Unhealthy backends (breaker open, health
 * check failing) are skipped; with none healthy there is no primary and the run fails fast.
 */
public final class BackendPool {
    private final Map<String, AgentBackend> byName = new LinkedHashMap<>();
    private final List<AgentBackend> all;
    private final Rollout rollout;
    private volatile BackendStrategy strategy;

    /**
     * Where one run goes.
     *
     * @param primary  the backend that serves the run, or null when none is healthy
     * @param shadow   a candidate that also runs it, output discarded, or null
     * @param decision why, when the choice was asked to explain itself, else null
     */
    public record Selection(AgentBackend primary, AgentBackend shadow, BackendDecision decision) {

        /** A selection that does not explain itself. */
        public Selection(AgentBackend primary, AgentBackend shadow) {
            this(primary, shadow, null);
        }
    }

    public BackendPool(List<AgentBackend> backends, BackendStrategy strategy, Rollout rollout) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("at least one backend is needed");
        }
        for (AgentBackend backend : backends) {
            if (byName.put(backend.name(), backend) != null) {
                throw new IllegalArgumentException("two backends are named " + backend.name());
            }
        }
        this.all = List.copyOf(backends);
        this.strategy = Objects.requireNonNull(strategy, "strategy must not be null");
        this.rollout = Objects.requireNonNull(rollout, "rollout must not be null");
        String candidate = rollout.state().candidate();
        if (candidate != null && !byName.containsKey(candidate)) {
            throw new IllegalArgumentException("the rollout candidate " + candidate + " is not a backend");
        }
    }

    /**
     * One executor as the only backend: round robin, no rollout, a default breaker. For embedders
     * with a single agent and for tests.
     */
    public static BackendPool of(AgentExecutor executor) {
        AgentBackend backend = new AgentBackend(executor.name(), executor, 1, java.time.Duration.ofSeconds(2),
                io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("backend:" + executor.name()));
        java.time.Clock clock = java.time.Clock.systemUTC();
        return new BackendPool(List.of(backend), new BackendStrategy.RoundRobin(),
                new Rollout(Rollout.off(clock.instant()), SlaGuard.Thresholds.defaults(), clock));
    }

    public List<AgentBackend> backends() {
        return all;
    }

    public AgentBackend backend(String name) {
        return byName.get(name);
    }

    public Rollout rollout() {
        return rollout;
    }

    public BackendStrategy strategy() {
        return strategy;
    }

    /** Replaces the strategy at runtime. */
    public void strategy(BackendStrategy replacement) {
        this.strategy = Objects.requireNonNull(replacement, "strategy must not be null");
    }

    /**
     * Sets the rollout; the candidate must be a backend.
     *
     * @throws IllegalArgumentException for an unknown candidate
     */
    public void rollout(Rollout.Mode mode, String candidate, int percent) {
        if (mode != Rollout.Mode.OFF && !byName.containsKey(candidate)) {
            throw new IllegalArgumentException("no backend named " + candidate);
        }
        rollout.set(mode, candidate, percent);
    }

    /** Chooses the backends of one run. */
    public Selection select(String userId, String runId, String requestedAgent) {
        return select(userId, runId, requestedAgent, null);
    }

    /**
     * Chooses the backends of one run as {@link #select(String, String, String)} does and, when
     * {@code explain}, says why in {@link Selection#decision()} (for a traced run; without it,
     * nothing more is built).
     */
    public Selection select(String userId, String runId, String requestedAgent, boolean explain) {
        if (!explain) {
            return select(userId, runId, requestedAgent, null);
        }
        BackendDecision.Builder why = new BackendDecision.Builder();
        Selection chosen = select(userId, runId, requestedAgent, why);
        return new Selection(chosen.primary(), chosen.shadow(), why.build(chosen.primary(), chosen.shadow()));
    }

    /** The one way a run is routed; {@code why}, when not null, hears each thing that decided it. */
    private Selection select(String userId, String runId, String requestedAgent, BackendDecision.Builder why) {
        AgentBackend named = requestedAgent == null ? null : byName.get(requestedAgent);
        boolean namedUp = named != null && named.isHealthy();
        if (why != null && requestedAgent != null) {
            why.requested(requestedAgent, named != null, namedUp);
        }
        if (namedUp) {
            explained(why, BackendDecision.REQUESTED);
            return new Selection(named, null);
        }
        Rollout.State state = rollout.state();
        AgentBackend candidate = state.candidate() == null ? null : byName.get(state.candidate());
        boolean candidateUp = candidate != null && candidate.isHealthy();
        switch (state.mode()) {
            case PARTIAL:
                if (candidateUp && bucket(userId) < state.percent()) {
                    explained(why, state, true, "user", userId, "candidate");
                    explained(why, BackendDecision.ROLLOUT);
                    return new Selection(candidate, null);
                }
                explained(why, state, candidateUp, "user", userId, null);
                break;
            case FULL:
                if (candidateUp) {
                    explained(why, state, true, null, null, "candidate");
                    explained(why, BackendDecision.ROLLOUT);
                    return new Selection(candidate, null);
                }
                explained(why, state, false, null, null, "candidate_down");
                break;
            case SHADOW:
                AgentBackend shadow = candidateUp && bucket(runId) < state.percent() ? candidate : null;
                explained(why, state, candidateUp, "run", runId, shadow != null ? "shadow" : null);
                return new Selection(stable(candidate, userId, why), shadow);
            default:
                explained(why, state, candidateUp, null, null, "off");
                break;
        }
        return new Selection(stable(candidate, userId, why), null);
    }

    private static void explained(BackendDecision.Builder why, String reason) {
        if (why != null) {
            why.why(reason);
        }
    }

    /**
     * Tells {@code why} what the rollout decided; a null {@code decision} is the share's: out of it
     * ({@code stable}, {@code no_shadow}), or in it with the candidate down ({@code candidate_down}).
     */
    private static void explained(BackendDecision.Builder why, Rollout.State state, boolean candidateUp,
                                  String bucketOf, String key, String decision) {
        if (why == null) {
            return;
        }
        Integer bucket = key == null ? null : bucket(key);
        String outcome = decision;
        if (outcome == null) {
            boolean inShare = bucket != null && bucket < state.percent();
            outcome = inShare && !candidateUp ? "candidate_down"
                    : state.mode() == Rollout.Mode.SHADOW ? "no_shadow" : "stable";
        }
        why.rollout(state, candidateUp, bucketOf, bucket, outcome);
    }

    /**
     * Another healthy backend for a run whose backend failed before it started, chosen by the strategy;
     * the rollout's candidate only when it serves everyone (mode full). Null when there is none.
     */
    public AgentBackend retryFor(String userId, AgentBackend failed) {
        return retryFor(userId, failed, null);
    }

    /**
     * {@link #retryFor(String, AgentBackend)}, explained: the backend (or null) as the selection's
     * primary, and why as its decision. For a traced run.
     */
    public Selection explainRetry(String userId, AgentBackend failed) {
        BackendDecision.Builder why = new BackendDecision.Builder();
        AgentBackend other = retryFor(userId, failed, why);
        return new Selection(other, null, why.build(other, null));
    }

    private AgentBackend retryFor(String userId, AgentBackend failed, BackendDecision.Builder why) {
        Rollout.State state = rollout.state();
        AgentBackend candidate = state.mode() == Rollout.Mode.FULL || state.candidate() == null
                ? null : byName.get(state.candidate());
        return choose(healthyBut(failed, candidate, why), userId, why);
    }

    private AgentBackend stable(AgentBackend candidate, String userId, BackendDecision.Builder why) {
        return choose(healthyBut(null, candidate, why), userId, why);
    }

    /** The healthy backends but {@code failed} and {@code candidate}; {@code why} hears each one offered. */
    private List<AgentBackend> healthyBut(AgentBackend failed, AgentBackend candidate, BackendDecision.Builder why) {
        List<AgentBackend> healthy = new ArrayList<>(all.size());
        for (AgentBackend backend : all) {
            if (backend != failed && backend != candidate) {
                boolean up = backend.isHealthy();
                if (up) {
                    healthy.add(backend);
                }
                if (why != null) {
                    why.candidate(backend, up);
                }
            }
        }
        return healthy;
    }

    private AgentBackend choose(List<AgentBackend> healthy, String userId, BackendDecision.Builder why) {
        BackendStrategy current = strategy;
        if (why != null) {
            why.why(BackendDecision.STRATEGY);
            BackendDecision.Sticky place = null;
            if (current instanceof BackendStrategy.UserSticky sticky) {
                int hash = BackendStrategy.UserSticky.hash(userId);
                place = new BackendDecision.Sticky(hash, sticky.home(all, userId).name());
            }
            why.strategy(current.name(), place);
        }
        return healthy.isEmpty() ? null : current.choose(healthy, all, userId);
    }

    /** A stable 0-99 bucket of a key (user ids for partial rollouts, run ids for shadow sampling). */
    static int bucket(String key) {
        return Math.floorMod(BackendStrategy.UserSticky.mix(key.hashCode()), 100);
    }

    /** Records how a run on {@code backend} ended (latency, success) for its breaker, strategy and the guard. */
    public void recordOutcome(AgentBackend backend, long latencyMs, boolean success) {
        if (backend.name().equals(rollout.state().candidate())) {
            rollout.recordCandidate(backend, latencyMs, success);
        } else {
            rollout.recordStable(backend, latencyMs, success);
        }
    }

    /** Completes when every backend has warmed up. */
    public CompletionStage<Void> warmUp() {
        CompletableFuture<?>[] all = this.all.stream()
                .map(backend -> backend.executor().warmUp().toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }

    /** Closes every backend's executor. */
    public void close() {
        all.forEach(backend -> backend.executor().close());
    }
}
