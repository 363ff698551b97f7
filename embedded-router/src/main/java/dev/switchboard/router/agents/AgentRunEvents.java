package dev.switchboard.router.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * For executors that {@linkplain AgentExecutor#announcesStart() announce the start}: emits
     * {@code agent_started} now (the router adds the backend and agent names). Later calls do nothing.
     */
    default void started() {
    }

    /**
     * Emits an event of the run contract with {@code data} as the backend sent it ({@code agent_thinking},
     * {@code tool_executing}, {@code tool_completed}); the run still guards the contract.
     *
     * @return false when the contract refused it (a {@code tool_completed} with no open
     *         {@code tool_executing} of that tool, an unknown type, the run not started or ended)
     */
    default boolean emit(String type, ObjectNode data) {
        return false;
    }

    /**
     * As {@link #emit(String, ObjectNode)}, running {@code written} (when not null) once the event's
     * frame has been written to one of the user's connections: how the router times its own part of a
     * backend's event. This default ignores it.
     */
    default boolean emit(String type, ObjectNode data, Runnable written) {
        return emit(type, data);
    }

    /** Whether the run has ended (cancelled, timed out) and further work is wasted. */
    boolean isEnded();

    /** Runs {@code action} when the run is cancelled or times out (at once if it already has). */
    void onEnd(Runnable action);
}
