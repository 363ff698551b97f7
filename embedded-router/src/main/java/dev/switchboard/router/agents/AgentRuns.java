package dev.switchboard.router.agents;

import dev.switchboard.router.agents.internal.RunTracker;
import dev.switchboard.router.time.Scheduler;
import dev.switchboard.router.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The agent runs of a router: starts, stops and cancels them, and says what is in flight. Every run
 * started ends with exactly one {@code agent_completed}: when the backend completes, fails or throws,
 * when the user stops it, when its connection closes, when it times out, or when the router stops.
 * The machinery behind it (the run tracker and each run's five-event guard) is in
 * {@code agents.internal}.
 */
public interface AgentRuns {

    /**
     * The runs of a router, served by {@code pool}.
     *
     * @param pool        the agent backends
     * @param sink        where run events go
     * @param clock       wall-clock time (event timestamps, run durations)
     * @param ticker      nanosecond source for the latencies a backend's breaker and the rollout guard see
     * @param launcher    a bounded executor that calls the backends off the WebSocket threads
     * @param timer       schedules run timeouts
     * @param runTimeout  a run still going after this ends as failed with error {@code timeout}
     * @param maxInFlight runs allowed at once; past it a start is refused with {@code overloaded}
     */
    static AgentRuns tracker(BackendPool pool, RunEventSink sink, Clock clock, Ticker ticker, ExecutorService launcher,
                             Scheduler timer, Duration runTimeout, int maxInFlight) {
        return new RunTracker(pool, sink, clock, ticker, launcher, timer, runTimeout, maxInFlight);
    }

    /** Adds a listener told of every run's start and end (each call isolated: a throwing one stops nothing). */
    void addListener(RunListener listener);

    /** Warms every backend up; completes when runs can start. */
    CompletionStage<Void> warmUp();

    /** Whether the backends have warmed up. */
    boolean isReady();

    /**
     * Starts a run. {@code acknowledge} is called with the run's request (its id and thread) before
     * anything can emit for it, so the acknowledgement always precedes the run's events.
     *
     * @param receivedAtNanos when the frame asking for the run arrived ({@link System#nanoTime()}),
     *                        so that the run tells how long it waited to start
     * @param trace           hears how the run's backend is chosen, after the acknowledgement (the
     *                        choice is made as the run starts, on the launcher), and of a retry; null
     *                        for an untraced run, whose choice then builds no explanation at all
     * @return the run's request, with the run id and thread id it was given
     * @throws RunRejected {@code unavailable} before warm-up or while stopping, {@code overloaded} at
     *                     the in-flight limit
     */
    AgentRequest start(String userId, String connectionId, String threadId, String agent, String content,
                       List<String> tools, long receivedAtNanos, BackendTrace trace,
                       Consumer<AgentRequest> acknowledge);

    /** {@link #start(String, String, String, String, String, List, long, BackendTrace, Consumer)} untraced. */
    default AgentRequest start(String userId, String connectionId, String threadId, String agent, String content,
                               List<String> tools, long receivedAtNanos, Consumer<AgentRequest> acknowledge) {
        return start(userId, connectionId, threadId, agent, content, tools, receivedAtNanos, null, acknowledge);
    }

    /** {@link #start(String, String, String, String, String, List, long, Consumer)} for a request made now. */
    default AgentRequest start(String userId, String connectionId, String threadId, String agent, String content,
                               List<String> tools, Consumer<AgentRequest> acknowledge) {
        return start(userId, connectionId, threadId, agent, content, tools, System.nanoTime(), acknowledge);
    }

    /**
     * Cancels a run of {@code userId}.
     *
     * @return false when the run is unknown, already ended, or another user's
     */
    boolean stop(String runId, String userId);

    /** Cancels every run started from a connection that closed; returns how many. */
    int cancelConnection(String connectionId);

    /** Refuses new runs from now on and cancels every run in flight (router shutdown); returns how many. */
    int shutdown(String reason);

    /** Runs in flight now (read-only copies). */
    List<RunInfo> inFlight();

    /** How many runs are in flight now. */
    int inFlightCount();

    /** Runs started since start. */
    long startedCount();

    /** Runs that ended with {@code status} since start. */
    long endedCount(RunStatus status);
}
