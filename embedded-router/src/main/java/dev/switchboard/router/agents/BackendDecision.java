package dev.switchboard.router.agents;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a run went to the backend it went to, as {@link BackendPool} tells it when asked to explain
 * (for a traced run only: choosing for any other run builds none of this). Listed in
 * {@code src/docs/protocol.md}, "Traces".
 *
 * @param chosen     the backend chosen, or null when none is healthy (the run fails {@code unavailable})
 * @param why        {@code requested} (the agent the run named is a healthy backend), {@code rollout}
 *                   (a partial or full rollout sent it to its candidate), {@code strategy} (the strategy
 *                   chose among the healthy stable backends) or {@code none_healthy}
 * @param requested  the agent the run named, or null when it named none
 * @param rollout    what the rollout decided, or null when it was not asked (a healthy named backend, a retry)
 * @param shadow     the candidate that also runs a copy of the run (output discarded), or null
 * @param strategy   the strategy's name when the stable backends were offered to it, else null
 * @param candidates the backends offered to the strategy (healthy or not) as they were read, in
 *                   configuration order; empty when the strategy was not asked
 * @param sticky     where the user's hash falls on the ring, when the strategy asked is {@code user_sticky}
 */
public record BackendDecision(String chosen, String why, Requested requested, RolloutCheck rollout, String shadow,
                              String strategy, List<Candidate> candidates, Sticky sticky) {

    /** The healthy backend the run named was chosen. */
    public static final String REQUESTED = "requested";
    /** A partial or full rollout sent the run to its candidate. */
    public static final String ROLLOUT = "rollout";
    /** The strategy chose among the healthy stable backends. */
    public static final String STRATEGY = "strategy";
    /** No backend was healthy. */
    public static final String NONE_HEALTHY = "none_healthy";

    public BackendDecision {
        candidates = List.copyOf(candidates);
    }

    /**
     * The agent a run named ({@code start_agent} with {@code payload.agent}).
     *
     * @param name    the name
     * @param known   whether a backend has that name (else the run is routed as if it named none)
     * @param healthy whether that backend was healthy (false for an unknown name)
     */
    public record Requested(String name, boolean known, boolean healthy) {
    }

    /**
     * What the rollout decided for the run.
     *
     * @param mode             {@code off}, {@code shadow}, {@code partial} or {@code full}
     * @param candidate        the candidate backend, or null (an off rollout may keep its last one, still
     *                         left out of the stable backends)
     * @param percent          the share of runs (shadow) or users (partial) it takes
     * @param candidateHealthy whether the candidate was healthy
     * @param bucketOf         {@code user} (partial: the user's bucket), {@code run} (shadow: the run's),
     *                         or null (off, full: no bucket)
     * @param bucket           the 0-99 bucket compared with {@code percent} (below it is in the share), or null
     * @param decision         {@code off}; {@code candidate} (partial in the share, full); {@code stable}
     *                         (partial out of the share); {@code shadow} (a copy goes to the candidate);
     *                         {@code no_shadow} (shadow, out of the share); {@code candidate_down} (in
     *                         the share, or full, but the candidate is unhealthy: stable serves, no copy)
     */
    public record RolloutCheck(String mode, String candidate, int percent, boolean candidateHealthy, String bucketOf,
                               Integer bucket, String decision) {
    }

    /**
     * A backend offered to the strategy, as read when it chose.
     *
     * @param name             the backend
     * @param healthy          whether it could take the run (not paused, breaker not open, its health check passing)
     * @param inFlight         its runs in flight
     * @param averageLatencyMs its moving average of run latency (0 before its first run), to the microsecond
     * @param weight           its share for the weighted strategy
     */
    public record Candidate(String name, boolean healthy, int inFlight, double averageLatencyMs, int weight) {
    }

    /**
     * The user's place on the {@code user_sticky} ring.
     *
     * @param hash   the user id's hash, the ring position
     * @param mapsTo the backend owning that position, healthy or not (the chosen one unless it is
     *               unhealthy or the rollout's candidate: then the next healthy one on the ring)
     */
    public record Sticky(int hash, String mapsTo) {
    }

    /** Collects a decision while the pool chooses; only made when a run is traced. Not thread-safe. */
    static final class Builder {
        private final List<Candidate> candidates = new ArrayList<>(4);
        private Requested requested;
        private RolloutCheck rollout;
        private String strategy;
        private Sticky sticky;
        private String why;

        void requested(String name, boolean known, boolean healthy) {
            requested = new Requested(name, known, healthy);
        }

        void rollout(Rollout.State state, boolean candidateHealthy, String bucketOf, Integer bucket, String decision) {
            rollout = new RolloutCheck(state.mode().wire(), state.candidate(), state.percent(), candidateHealthy,
                    bucketOf, bucket, decision);
        }

        void candidate(AgentBackend backend, boolean healthy) {
            candidates.add(new Candidate(backend.name(), healthy, backend.inFlight(),
                    Math.round(backend.averageLatencyMs() * 1_000) / 1_000.0, backend.weight()));
        }

        void strategy(String name, Sticky place) {
            strategy = name;
            sticky = place;
        }

        void why(String reason) {
            why = reason;
        }

        BackendDecision build(AgentBackend chosen, AgentBackend shadow) {
            return new BackendDecision(chosen == null ? null : chosen.name(), chosen == null ? NONE_HEALTHY : why,
                    requested, rollout, shadow == null ? null : shadow.name(), strategy, candidates, sticky);
        }
    }
}
