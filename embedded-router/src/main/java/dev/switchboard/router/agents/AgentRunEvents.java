package dev.switchboard.router.agents;

import java.util.Map;

/**
 * How an executor reports a run's progress. Calls after the run ended (cancelled, timed out) are
 * ignored, so an executor never has to race the router.
 */
public interface AgentRunEvents {

    /** Emits {@code agent_thinking}. */
    void thinking(String thought);

    /** Emits {@code tool_executing}. */
    void toolExecuting(String tool, Map<String, Object> input);

    /** Emits {@code tool_completed}; ignored unless the same tool is executing. */
    void toolCompleted(String tool, Object output, long durationMs);

    /** Whether the run has ended (cancelled, timed out) and further work is wasted. */
    boolean isEnded();

    /** Runs {@code action} when the run is cancelled or times out (at once if it already has). */
    void onEnd(Runnable action);
}
