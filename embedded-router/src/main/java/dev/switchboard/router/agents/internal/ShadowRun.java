package dev.switchboard.router.agents.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.AgentRunEvents;
import dev.switchboard.router.agents.RunStatus;
import java.util.Map;

/** The events sink of a shadow run: discards every event, remembers only how the run ended. */
final class ShadowRun implements AgentRunEvents {
    private final EndActions endActions = new EndActions();
    private volatile RunStatus status = RunStatus.RUNNING;
    private volatile String error;

    @Override
    public void thinking(String thought) {
    }

    @Override
    public void toolExecuting(String tool, Map<String, Object> input) {
    }

    @Override
    public void toolCompleted(String tool, Object output, long durationMs) {
    }

    @Override
    public boolean emit(String type, ObjectNode data) {
        return !isEnded(); // accepted and discarded: a shadow's events go nowhere
    }

    @Override
    public boolean isEnded() {
        return status != RunStatus.RUNNING;
    }

    @Override
    public void onEnd(Runnable action) {
        endActions.add(action, this::isEnded);
    }

    void end(RunStatus finalStatus, String errorText) {
        synchronized (this) {
            if (status != RunStatus.RUNNING) {
                return;
            }
            error = errorText;
            status = finalStatus;
        }
        endActions.runAll();
    }

    RunStatus status() {
        return status;
    }

    String error() {
        return error;
    }
}
