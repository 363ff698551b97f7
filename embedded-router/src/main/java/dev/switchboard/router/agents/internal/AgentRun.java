package dev.switchboard.router.agents.internal;

import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.AgentRunEvents;
import dev.switchboard.router.agents.RunEventSink;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.ServerEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One agent run and the guard of its event contract: {@code agent_started} first, {@code seq} 1, 2, …
 * in send order, each {@code tool_completed} after its {@code tool_executing}, and
 * {@code agent_completed} exactly once and last. Emission is serialised on the run, so events from
 * the executor, a {@code stop_agent} and a timeout never interleave out of order.
 */
public final class AgentRun implements AgentRunEvents {
    private final AgentRequest request;
    private final String connectionId;
    private final Clock clock;
    private final Instant startedAt;
    private final RunEventSink sink;
    private final Consumer<AgentRun> onEnd;
    private final EndActions endActions = new EndActions();
    private final Set<String> toolsExecuting = new HashSet<>();
    private int seq;
    private boolean started;
    private volatile RunStatus status = RunStatus.RUNNING;
    private volatile String backend;
    private volatile BiConsumer<RunStatus, String> completing;
    private volatile long endedAtMillis;
    private volatile String error;

    AgentRun(AgentRequest request, String connectionId, Clock clock, RunEventSink sink, Consumer<AgentRun> onEnd) {
        this.request = request;
        this.connectionId = connectionId;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.sink = sink;
        this.onEnd = onEnd;
    }

    public String runId() {
        return request.runId();
    }

    public String userId() {
        return request.userId();
    }

    public String connectionId() {
        return connectionId;
    }

    public AgentRequest request() {
        return request;
    }

    public RunStatus status() {
        return status;
    }

    /** Emits {@code agent_started} naming the backend that serves the run (null: none could). */
    synchronized void start(String backendName) {
        if (!started && status == RunStatus.RUNNING) {
            started = true;
            backend = backendName;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("agent", agentName());
            if (backendName != null) {
                data.put("backend", backendName);
            }
            emit(EventType.AGENT_STARTED, data);
        }
    }

    private String agentName() {
        if (request.agent() != null) {
            return request.agent();
        }
        return backend != null ? backend : "none";
    }

    /**
     * Sets what to do when the run ends, before {@code agent_completed} goes out (the backend's
     * breaker and the rollout guard learn the outcome before the user does, so the user's next run
     * already sees it). Must not block or touch sockets: it runs under the run's lock.
     */
    void beforeCompletion(BiConsumer<RunStatus, String> action) {
        this.completing = action;
    }

    /** The backend serving the run, or null. */
    public String backend() {
        return backend;
    }

    @Override
    public synchronized void thinking(String thought) {
        if (isLive()) {
            emit(EventType.AGENT_THINKING, Map.of("thought", thought));
        }
    }

    @Override
    public synchronized void toolExecuting(String tool, Map<String, Object> input) {
        if (isLive() && toolsExecuting.add(tool)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("tool", tool);
            data.put("input", input);
            emit(EventType.TOOL_EXECUTING, data);
        }
    }

    @Override
    public synchronized void toolCompleted(String tool, Object output, long durationMs) {
        if (isLive() && toolsExecuting.remove(tool)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("tool", tool);
            data.put("output", output);
            data.put("duration_ms", durationMs);
            emit(EventType.TOOL_COMPLETED, data);
        }
    }

    private boolean isLive() {
        return started && status == RunStatus.RUNNING;
    }

    @Override
    public boolean isEnded() {
        return status != RunStatus.RUNNING;
    }

    @Override
    public void onEnd(Runnable action) {
        endActions.add(action, this::isEnded);
    }

    /**
     * Ends the run with {@code agent_completed}, unless it has ended already.
     *
     * @return whether this call ended it
     */
    boolean end(RunStatus finalStatus, String result, String errorText) {
        synchronized (this) {
            if (status != RunStatus.RUNNING) {
                return false;
            }
            start(backend);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("status", finalStatus.wire());
            if (result != null) {
                data.put("result", result);
            }
            if (errorText != null) {
                data.put("error", errorText);
            }
            BiConsumer<RunStatus, String> hook = completing;
            if (hook != null) {
                hook.accept(finalStatus, errorText);
            }
            this.error = errorText;
            this.endedAtMillis = clock.millis();
            this.status = finalStatus;
            ServerEvent completed = event(EventType.AGENT_COMPLETED, data);
            // the tracker's bookkeeping and listeners (quality figures, metrics, monitor) run before
            // the user sees agent_completed, so a question asked right after it sees the run counted
            onEnd.accept(this);
            sink.emit(request.userId(), completed);
        }
        endActions.runAll();
        return true;
    }

    private void emit(String type, Map<String, Object> data) {
        sink.emit(request.userId(), event(type, data));
    }

    private ServerEvent event(String type, Map<String, Object> data) {
        seq++;
        return ServerEvent.builder(type)
                .put("run_id", request.runId())
                .put("thread_id", request.threadId())
                .put("seq", seq)
                .put("timestamp", clock.instant().toString())
                .put("data", data)
                .build();
    }

    /** A read-only copy of the run's state. */
    public synchronized RunInfo info() {
        long end = status == RunStatus.RUNNING ? clock.millis() : endedAtMillis;
        return new RunInfo(request.runId(), request.userId(), connectionId, request.threadId(), agentName(),
                backend, status, startedAt, Math.max(0, end - startedAt.toEpochMilli()), seq, error);
    }
}
