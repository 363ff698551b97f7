package dev.switchboard.router.agents;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** The events sink of a shadow run: discards every event, remembers only how the run ended. */
final class ShadowRun implements AgentRunEvents {
    private final List<Runnable> endActions = new CopyOnWriteArrayList<>();
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
    public boolean isEnded() {
        return status != RunStatus.RUNNING;
    }

    @Override
    public void onEnd(Runnable action) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
        endActions.add(once);
        if (isEnded()) {
            once.run();
        }
    }

    void end(RunStatus finalStatus, String errorText) {
        synchronized (this) {
            if (status != RunStatus.RUNNING) {
                return;
            }
            error = errorText;
            status = finalStatus;
        }
        endActions.forEach(Runnable::run);
    }

    RunStatus status() {
        return status;
    }

    String error() {
        return error;
    }
}
