package dev.switchboard.router.agents;

import java.time.Clock;
import java.util.Objects;

/**
 * A rollout as configured.
 *
 * @param mode       off, shadow, partial or full
 * @param candidate  the candidate backend, or null
 * @param percent    share of runs (shadow) or users (partial)
 * @param thresholds the SLA guard's thresholds
 */
public record RolloutSpec(Rollout.Mode mode, String candidate, int percent, SlaGuard.Thresholds thresholds) {
    public RolloutSpec {
        Objects.requireNonNull(mode, "mode must not be null");
        Objects.requireNonNull(thresholds, "thresholds must not be null");
    }

    /** No rollout, default guard. */
    public static RolloutSpec off() {
        return new RolloutSpec(Rollout.Mode.OFF, null, 0, SlaGuard.Thresholds.defaults());
    }

    /** The initial state of a {@link Rollout}. */
    public Rollout.State initialState(Clock clock) {
        return new Rollout.State(mode, candidate, percent, clock.instant(), null);
    }
}
