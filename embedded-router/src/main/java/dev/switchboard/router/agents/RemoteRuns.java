package dev.switchboard.router.agents;

import java.util.concurrent.CompletionStage;

/** Runs owned by other nodes of a cluster: where {@code stop_agent} goes when the run is not here. */
@FunctionalInterface
public interface RemoteRuns {
    /** A node alone: no run lives elsewhere. */
    RemoteRuns NONE = (runId, userId) -> java.util.concurrent.CompletableFuture.completedFuture(false);

    /**
     * Asks the node that owns {@code runId} to stop it for {@code userId}, with the semantics of
     * {@link AgentRuns#stop}: only the run's own user may stop it.
     *
     * @return whether a run was stopped (false: no such run of the user anywhere); completes
     *         exceptionally when the owner could not be asked
     */
    CompletionStage<Boolean> stop(String runId, String userId);
}
