package dev.switchboard.router.agents.internal;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.AgentFailure;
import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.AgentResult;
import dev.switchboard.router.agents.BackendFailure;
import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.BackendTrace;
import dev.switchboard.router.agents.RunEventSink;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.agents.RunRejected;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.event.Listeners;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.time.Scheduler;
import dev.switchboard.router.time.Ticker;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AgentRuns} machinery: starts, tracks, stops and times out agent runs. Every run it starts ends with exactly one
 * {@code agent_completed}: when the executor completes, fails or throws, when the user stops it, when
 * its connection closes, when it times out, or when the router stops.
 */
public final class RunTracker implements AgentRuns {
    private static final Logger log = LoggerFactory.getLogger(RunTracker.class);

    /** What the user reads in the {@code error} event of a run its backend failed. */
    private static final Map<String, String> FAILURE_TEXT = Map.of(
            BackendFailure.UNAVAILABLE, "the agent backend is unavailable",
            BackendFailure.TIMEOUT, "the agent backend timed out",
            BackendFailure.STREAM_ENDED, "the agent backend ended the run without completing it");

    private final BackendPool pool;
    private final RunEventSink sink;
    private final Clock clock;
    private final Ticker ticker;
    private final ExecutorService launcher;
    private final Scheduler timer;
    private final Duration runTimeout;
    private final int maxInFlight;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AgentRun> inFlight = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<RunListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder started = new LongAdder();
    private final Map<RunStatus, LongAdder> ended = new ConcurrentHashMap<>();
    private volatile boolean ready;
    private volatile boolean stopping;

    /**
     * @param pool        the agent backends
     * @param sink        where run events go
     * @param clock       wall-clock time source (event timestamps, run durations)
     * @param ticker      nanosecond source for the latency a backend's breaker and the rollout guard see
     * @param launcher    a bounded executor that calls the backend off the WebSocket threads
     * @param timer       schedules run timeouts
     * @param runTimeout  a run still going after this ends as failed with error {@code timeout}
     * @param maxInFlight runs allowed at once; past it a start is refused with {@code overloaded}
     */
    public RunTracker(BackendPool pool, RunEventSink sink, Clock clock, Ticker ticker, ExecutorService launcher,
                      Scheduler timer, Duration runTimeout, int maxInFlight) {
        this.pool = Objects.requireNonNull(pool, "pool must not be null");
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
        this.launcher = Objects.requireNonNull(launcher, "launcher must not be null");
        this.timer = Objects.requireNonNull(timer, "timer must not be null");
        this.runTimeout = Objects.requireNonNull(runTimeout, "runTimeout must not be null");
        this.maxInFlight = maxInFlight;
        for (RunStatus status : RunStatus.values()) {
            ended.put(status, new LongAdder());
        }
    }

    @Override
    public void addListener(RunListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    @Override
    public CompletionStage<Void> warmUp() {
        return pool.warmUp().thenRun(() -> ready = true);
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    public BackendPool pool() {
        return pool;
    }

    @Override
    public AgentRequest start(String userId, String connectionId, String threadId, String agent, String content,
                              List<String> tools, long receivedAtNanos, BackendTrace trace,
                              Consumer<AgentRequest> acknowledge) {
        return begin(userId, connectionId, threadId, agent, content, tools, receivedAtNanos, trace,
                run -> acknowledge.accept(run.request())).request();
    }

    /**
     * {@link #begin(String, String, String, String, String, List, long, BackendTrace, Consumer)} for an
     * untraced request made now.
     */
    public AgentRun begin(String userId, String connectionId, String threadId, String agent, String content,
                          List<String> tools, Consumer<AgentRun> acknowledge) {
        return begin(userId, connectionId, threadId, agent, content, tools, System.nanoTime(), null, acknowledge);
    }

    /**
     * Starts a run. {@code acknowledge} is called with the new run under the run's lock, before
     * anything can emit for it (not even a concurrent stop or shutdown), so the acknowledgement
     * always precedes the run's events; then the run is handed to the executor.
     *
     * @param trace hears how the run's backend is chosen, or null for an untraced run
     * @throws RunRejected {@code unavailable} before warm-up or while stopping, {@code overloaded}
     *                     at the in-flight limit
     */
    public AgentRun begin(String userId, String connectionId, String threadId, String agent, String content,
                          List<String> tools, long receivedAtNanos, BackendTrace trace,
                          Consumer<AgentRun> acknowledge) {
        AgentRun run = create(userId, connectionId, threadId, agent, content, tools, receivedAtNanos, trace);
        synchronized (run) {
            inFlight.put(run.runId(), run);
            started.increment();
            acknowledge.accept(run);
        }
        launch(run);
        return run;
    }

    private AgentRun create(String userId, String connectionId, String threadId, String agent, String content,
                            List<String> tools, long receivedAtNanos, BackendTrace trace) {
        if (stopping) {
            throw new RunRejected(ErrorCode.UNAVAILABLE, "the router is shutting down");
        }
        if (!ready) {
            throw new RunRejected(ErrorCode.UNAVAILABLE, "the agent executor is not ready");
        }
        if (inFlight.size() >= maxInFlight) {
            throw new RunRejected(ErrorCode.OVERLOADED, "too many agent runs in flight; retry later");
        }
        String runId = "run-" + randomHex(8);
        String thread = threadId != null ? threadId : "t-" + randomHex(6);
        AgentRequest request = new AgentRequest(runId, userId, thread, agent, content, tools);
        return new AgentRun(request, connectionId, clock, System.nanoTime() - receivedAtNanos, trace, sink,
                this::ended);
    }

    /** Emits {@code agent_started} and hands the run to the executor on the launcher. */
    private void launch(AgentRun run) {
        try {
            launcher.execute(() -> execute(run));
        } catch (RejectedExecutionException e) {
            run.end(RunStatus.FAILED, null, "overloaded");
        }
    }

    private void execute(AgentRun run) {
        BackendPool.Selection selection = select(run);
        run.onStart(started -> {
            RunInfo info = started.info();
            Listeners.notifyEach(listeners, listener -> listener.started(info), "run started");
        });
        Scheduler.Scheduled timeout = timer.schedule(() -> run.end(RunStatus.FAILED, null, "timeout"), runTimeout);
        run.onEnd(timeout::cancel);
        attempt(run, selection.primary(), null);
        if (selection.shadow() != null) {
            shadow(selection.shadow(), run.request());
        }
    }

    /**
     * The run's backends; a traced run's choice explains itself to its trace, before the run starts
     * (chosen here, on the launcher, just before the backend counts the run in flight, so that
     * {@code least_loaded} sees the runs it sent).
     */
    private BackendPool.Selection select(AgentRun run) {
        BackendTrace trace = run.trace();
        if (trace == null) {
            return pool.select(run.userId(), run.runId(), run.request().agent());
        }
        long startedNanos = System.nanoTime();
        BackendPool.Selection selection = pool.select(run.userId(), run.runId(), run.request().agent(), true);
        Listeners.notifyOne(trace, heard -> heard.chosen(selection.decision(), startedNanos), "backend chosen");
        return selection;
    }

    /**
     * Hands the run to {@code backend}. A backend that announces its own start gets the run before
     * {@code agent_started}; if it fails before that, {@link #finished} may try one other backend.
     */
    private void attempt(AgentRun run, AgentBackend backend, String retriedFrom) {
        if (backend != null && backend.executor().announcesStart()) {
            run.awaitStart(backend.name(), retriedFrom);
        } else {
            run.start(backend == null ? null : backend.name(), retriedFrom);
        }
        if (run.isEnded()) {
            return;
        }
        AgentBackend.Fault fault = backend == null ? null : backend.fault();
        if (backend == null || fault != null && fault.paused() || !backend.breaker().tryAcquirePermission()) {
            run.end(RunStatus.FAILED, null, "unavailable");
            return;
        }
        long startedAt = ticker.nanoTime();
        // the run may have been stopped or timed out since the check above: then its permission
        // goes back, and the backend never counts it as started
        if (!run.beforeCompletionIfRunning(backend::started,
                (status, error) -> account(backend, status, error, startedAt))) {
            backend.breaker().releasePermission();
            return;
        }
        if (fault != null && fault.latencyMs() > 0) {
            // the timer only waits; the call goes back to the launcher, off the timer's one thread
            timer.schedule(() -> {
                try {
                    launcher.execute(() -> call(run, backend, retriedFrom, startedAt, fault));
                } catch (RejectedExecutionException e) {
                    run.end(RunStatus.FAILED, null, "overloaded");
                }
            }, Duration.ofMillis(fault.latencyMs()));
        } else {
            call(run, backend, retriedFrom, startedAt, fault);
        }
    }

    /**
     * Calls the backend, or fails the call as the backend would ({@code backend_unavailable}) when
     * an operator's injected failure rate says so.
     */
    private void call(AgentRun run, AgentBackend backend, String retriedFrom, long startedAt, AgentBackend.Fault fault) {
        if (run.isEnded()) {
            return; // stopped, timed out or its user gone while the injected latency ran
        }
        if (fault != null && fault.failureRate() > 0
                && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < fault.failureRate()) {
            finished(run, backend, retriedFrom, startedAt, null, new BackendFailure(BackendFailure.UNAVAILABLE,
                    "a failure injected by an operator", backend.executor().announcesStart()));
            return;
        }
        try {
            backend.executor().execute(run.request(), run).whenComplete((result, failure) ->
                    finished(run, backend, retriedFrom, startedAt, result, failure));
        } catch (RuntimeException e) {
            log.warn("agent backend {} threw for run {}", backend.name(), run.runId(), e);
            run.end(RunStatus.FAILED, null, "agent executor failed");
        }
    }

    private void finished(AgentRun run, AgentBackend backend, String retriedFrom, long startedAt, AgentResult result,
                          Throwable failure) {
        if (failure == null) {
            run.complete(result);
            return;
        }
        Throwable cause = unwrap(failure);
        if (cause instanceof CancellationException) {
            return; // the run ended first (stopped, timed out, its user gone): nothing more to say
        }
        if (!(cause instanceof BackendFailure backendFailure)) {
            run.end(RunStatus.FAILED, null, describe(failure));
            return;
        }
        log.debug("agent backend {} failed run {}: {} ({})", backend.name(), run.runId(), backendFailure.reason(),
                backendFailure.getMessage());
        if (backendFailure.beforeStart() && retriedFrom == null) {
            BackendTrace trace = run.trace();
            long retryNanos = trace == null ? 0 : System.nanoTime();
            BackendPool.Selection retry = trace == null ? null : pool.explainRetry(run.userId(), backend);
            AgentBackend other = retry == null ? pool.retryFor(run.userId(), backend) : retry.primary();
            boolean handedOver = other != null && handOver(run);
            if (retry != null && (handedOver || other == null)) {
                // not when the run ended or started meanwhile: then there was no retry to tell of
                Listeners.notifyOne(trace, heard -> heard.retried(backend.name(), backendFailure.reason(),
                        retry.decision(), retryNanos), "backend retried");
            }
            if (handedOver) {
                account(backend, RunStatus.FAILED, backendFailure.reason(), startedAt);
                // on the launcher, as a first attempt is: the failure may have been heard on an I/O
                // thread (a user's connection's), and posting to the next backend resolves its name
                try {
                    launcher.execute(() -> attempt(run, other, backend.name()));
                } catch (RejectedExecutionException e) {
                    run.fail(backendFailure.reason(), FAILURE_TEXT.getOrDefault(backendFailure.reason(),
                            "the agent backend failed"));
                }
                return;
            }
        }
        run.fail(backendFailure.reason(), FAILURE_TEXT.getOrDefault(backendFailure.reason(), "the agent backend failed"));
    }

    /** Detaches the failed backend's accounting from a run that has not started, so another can take it. */
    private static boolean handOver(AgentRun run) {
        synchronized (run) {
            if (run.isEnded() || run.hasStarted()) {
                return false;
            }
            run.beforeCompletion(null);
            return true;
        }
    }

    /** Feeds a run's outcome to the backend's breaker, its load figures and the rollout guard. */
    private void account(AgentBackend backend, RunStatus status, String error, long startedAtNanos) {
        long elapsedNanos = ticker.nanoTime() - startedAtNanos;
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
        if (status == RunStatus.CANCELLED) {
            backend.breaker().releasePermission();
            backend.finished(latencyMs, false);
            return;
        }
        boolean success = status == RunStatus.COMPLETED;
        if (success) {
            backend.breaker().onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
        } else {
            backend.breaker().onError(elapsedNanos, TimeUnit.NANOSECONDS, new AgentFailure(error));
        }
        backend.finished(latencyMs, !success);
        if (!success) {
            backend.failed(error == null ? "failed" : error, clock.instant());
        }
        pool.recordOutcome(backend, latencyMs, success);
    }

    /** Runs a copy of the request on the candidate; its events and result go nowhere, its timing is kept. */
    private void shadow(AgentBackend candidate, AgentRequest request) {
        AgentBackend.Fault fault = candidate.fault();
        if (fault != null && fault.paused() || !candidate.breaker().tryAcquirePermission()) {
            return;
        }
        ShadowRun shadow = new ShadowRun();
        long startedAt = ticker.nanoTime();
        candidate.started();
        Scheduler.Scheduled timeout = timer.schedule(() -> shadow.end(RunStatus.FAILED, "timeout"), runTimeout);
        shadow.onEnd(() -> {
            timeout.cancel();
            account(candidate, shadow.status(), shadow.error(), startedAt);
        });
        AgentRequest copy = new AgentRequest(request.runId() + "-shadow", request.userId(), request.threadId(),
                request.agent(), request.content(), request.tools(), true);
        try {
            candidate.executor().execute(copy, shadow).whenComplete((result, failure) ->
                    shadow.end(failure == null ? RunStatus.COMPLETED : RunStatus.FAILED,
                            failure == null ? null : describe(failure)));
        } catch (RuntimeException e) {
            shadow.end(RunStatus.FAILED, "agent executor failed");
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof AgentFailure ? cause.getMessage() : "agent failed";
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private void ended(AgentRun run) {
        inFlight.remove(run.runId());
        ended.get(run.status()).increment();
        RunInfo info = run.info();
        Listeners.notifyEach(listeners, listener -> listener.ended(info), "run ended");
    }

    /**
     * Cancels a run of {@code userId}.
     *
     * @return false when the run is unknown, already ended, or another user's
     */
    @Override
    public boolean stop(String runId, String userId) {
        AgentRun run = inFlight.get(runId);
        return run != null && run.userId().equals(userId) && run.end(RunStatus.CANCELLED, null, "stopped by user");
    }

    /** Cancels every run started from a connection that closed. */
    @Override
    public int cancelConnection(String connectionId) {
        return cancelWhere(run -> run.connectionId().equals(connectionId), "connection closed");
    }

    /** Refuses new runs from now on and cancels every run in flight (router shutdown). */
    @Override
    public int shutdown(String reason) {
        stopping = true;
        return cancelWhere(run -> true, reason);
    }

    private int cancelWhere(Predicate<AgentRun> which, String reason) {
        int cancelled = 0;
        for (AgentRun run : List.copyOf(inFlight.values())) {
            if (which.test(run) && run.end(RunStatus.CANCELLED, null, reason)) {
                cancelled++;
            }
        }
        return cancelled;
    }

    /** Runs in flight now. */
    @Override
    public List<RunInfo> inFlight() {
        List<RunInfo> runs = new ArrayList<>(inFlight.size());
        inFlight.values().forEach(run -> runs.add(run.info()));
        return runs;
    }

    @Override
    public int inFlightCount() {
        return inFlight.size();
    }

    @Override
    public long startedCount() {
        return started.sum();
    }

    /** Runs that ended with {@code status}. */
    @Override
    public long endedCount(RunStatus status) {
        return ended.get(status).sum();
    }

    private String randomHex(int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }
}
