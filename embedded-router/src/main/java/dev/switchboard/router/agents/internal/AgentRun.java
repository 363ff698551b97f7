package dev.switchboard.router.agents.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.AgentResult;
import dev.switchboard.router.agents.AgentRunEvents;
import dev.switchboard.router.agents.BackendTrace;
import dev.switchboard.router.agents.RunEventSink;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.time.InstantText;
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
    private final double queuedMs;
    private final BackendTrace trace;
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
    private String retriedFrom;
    private Consumer<AgentRun> onStart = run -> { };

    /**
     * @param waitedNanos how long the request waited between its frame's arrival and this run
     *                    (the router's queue and handler before the acknowledgement)
     * @param trace       hears how the run's backend is chosen, or null for an untraced run
     */
    AgentRun(AgentRequest request, String connectionId, Clock clock, long waitedNanos, BackendTrace trace,
             RunEventSink sink, Consumer<AgentRun> onEnd) {
        this.request = request;
        this.connectionId = connectionId;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.queuedMs = Math.max(0, waitedNanos) / 1_000 / 1e3; // to the microsecond
        this.trace = trace;
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

    /** Hears how the run's backend is chosen; null for an untraced run. */
    BackendTrace trace() {
        return trace;
    }

    /** Emits {@code agent_started} naming the backend that serves the run (null: none could). */
    synchronized void start(String backendName) {
        start(backendName, retriedFrom);
    }

    /**
     * Emits {@code agent_started} naming the backend that serves the run (null: none could) and, after
     * a retry, the backend that failed first.
     */
    synchronized void start(String backendName, String firstBackend) {
        if (!started && status == RunStatus.RUNNING) {
            started = true;
            backend = backendName;
            retriedFrom = firstBackend;
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("agent", agentName());
            if (backendName != null) {
                data.put("backend", backendName);
            }
            if (firstBackend != null) {
                data.put("retried_from", firstBackend);
            }
            emit(EventType.AGENT_STARTED, data);
            onStart.accept(this);
        }
    }

    /** The backend will say when the run starts ({@link #started()}); {@code agent_started} waits for it. */
    synchronized void awaitStart(String backendName, String firstBackend) {
        if (!started) {
            backend = backendName;
            retriedFrom = firstBackend;
        }
    }

    /** Called under the run's lock as {@code agent_started} goes out. */
    void onStart(Consumer<AgentRun> action) {
        this.onStart = action;
    }

    @Override
    public synchronized void started() {
        start(backend, retriedFrom);
    }

    /** Whether {@code agent_started} has gone out. */
    synchronized boolean hasStarted() {
        return started;
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

    /**
     * While the run has not ended: runs {@code first}, then sets {@code action} as in
     * {@link #beforeCompletion}, both under the run's lock, so that the run cannot end between them.
     *
     * @return false, having done nothing, when the run has ended already
     */
    synchronized boolean beforeCompletionIfRunning(Runnable first, BiConsumer<RunStatus, String> action) {
        if (status != RunStatus.RUNNING) {
            return false;
        }
        first.run();
        this.completing = action;
        return true;
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

    @Override
    public boolean emit(String type, ObjectNode data) {
        return emit(type, data, null);
    }

    @Override
    public synchronized boolean emit(String type, ObjectNode data, Runnable written) {
        if (!isLive()) {
            return false;
        }
        JsonNode toolField = data.get("tool");
        String tool = toolField != null && toolField.isTextual() ? toolField.asText() : null;
        boolean allowed = switch (type) {
            case EventType.AGENT_THINKING -> true;
            case EventType.TOOL_EXECUTING -> tool != null && toolsExecuting.add(tool);
            case EventType.TOOL_COMPLETED -> tool != null && toolsExecuting.remove(tool);
            default -> false;
        };
        if (allowed) {
            sink.emit(request.userId(), event(type, data), written);
        }
        return allowed;
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
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", finalStatus.wire());
        if (result != null) {
            data.put("result", result);
        }
        if (errorText != null) {
            data.put("error", errorText);
        }
        return finish(finalStatus, data, errorText, null);
    }

    /** Ends the run with the backend's own {@code agent_completed} data, its status kept. */
    boolean complete(AgentResult result) {
        if (result == null || result.data() == null) {
            return end(RunStatus.COMPLETED, result == null ? null : result.result(), null);
        }
        boolean failed = result.failed();
        String errorText = failed ? result.data().path("error").asText("failed") : null;
        return finish(failed ? RunStatus.FAILED : RunStatus.COMPLETED, result.data(), errorText, null);
    }

    /**
     * Ends the run because its backend failed: an {@code error} event with the reason as its code and
     * the run id, then {@code agent_completed} with {@code status: failed} and the reason.
     */
    boolean fail(String reason, String message) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", RunStatus.FAILED.wire());
        data.put("reason", reason);
        ServerEvent errorEvent = ServerEvent.builder(EventType.ERROR)
                .put("code", reason)
                .put("message", message)
                .put("run_id", request.runId())
                .build();
        return finish(RunStatus.FAILED, data, reason, errorEvent);
    }

    private boolean finish(RunStatus finalStatus, Object data, String errorText, ServerEvent errorFirst) {
        synchronized (this) {
            if (status != RunStatus.RUNNING) {
                return false;
            }
            start(backend);
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
            if (errorFirst != null) {
                sink.emit(request.userId(), errorFirst);
            }
            sink.emit(request.userId(), completed);
        }
        endActions.runAll();
        return true;
    }

    private void emit(String type, Map<String, Object> data) {
        sink.emit(request.userId(), event(type, data));
    }

    private ServerEvent event(String type, Object data) {
        seq++;
        return ServerEvent.builder(type)
                .put("run_id", request.runId())
                .put("thread_id", request.threadId())
                .put("seq", seq)
                .put("timestamp", InstantText.of(clock.instant()))
                .put("data", data)
                .build();
    }

    /** A read-only copy of the run's state. */
    public synchronized RunInfo info() {
        long end = status == RunStatus.RUNNING ? clock.millis() : endedAtMillis;
        return new RunInfo(request.runId(), request.userId(), connectionId, request.threadId(), agentName(),
                backend, status, startedAt, Math.max(0, end - startedAt.toEpochMilli()), seq, error, queuedMs);
    }
}
