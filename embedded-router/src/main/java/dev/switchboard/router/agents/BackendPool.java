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
     * @param primary the backend that serves the run, or null when none is healthy
     * @param shadow  a candidate that also runs it, output discarded, or null
     */
    public record Selection(AgentBackend primary, AgentBackend shadow) {
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
        AgentBackend named = requestedAgent == null ? null : byName.get(requestedAgent);
        if (named != null && named.isHealthy()) {
            return new Selection(named, null);
        }
        Rollout.State state = rollout.state();
        AgentBackend candidate = state.candidate() == null ? null : byName.get(state.candidate());
        boolean candidateUp = candidate != null && candidate.isHealthy();
        switch (state.mode()) {
            case PARTIAL:
                if (candidateUp && bucket(userId) < state.percent()) {
                    return new Selection(candidate, null);
                }
                break;
            case FULL:
                if (candidateUp) {
                    return new Selection(candidate, null);
                }
                break;
            case SHADOW:
                AgentBackend shadow = candidateUp && bucket(runId) < state.percent() ? candidate : null;
                return new Selection(stable(candidate, userId), shadow);
            default:
                break;
        }
        return new Selection(stable(candidate, userId), null);
    }

    /**
     * Another healthy backend for a run whose backend failed before it started, chosen by the strategy;
     * the rollout's candidate only when it serves everyone (mode full). Null when there is none.
     */
    public AgentBackend retryFor(String userId, AgentBackend failed) {
        Rollout.State state = rollout.state();
        AgentBackend candidate = state.mode() == Rollout.Mode.FULL || state.candidate() == null
                ? null : byName.get(state.candidate());
        List<AgentBackend> healthy = new ArrayList<>(all.size());
        for (AgentBackend backend : all) {
            if (backend != failed && backend != candidate && backend.isHealthy()) {
                healthy.add(backend);
            }
        }
        return healthy.isEmpty() ? null : strategy.choose(healthy, all, userId);
    }

    private AgentBackend stable(AgentBackend candidate, String userId) {
        List<AgentBackend> healthy = new ArrayList<>(all.size());
        for (AgentBackend backend : all) {
            if (backend != candidate && backend.isHealthy()) {
                healthy.add(backend);
            }
        }
        return healthy.isEmpty() ? null : strategy.choose(healthy, all, userId);
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
