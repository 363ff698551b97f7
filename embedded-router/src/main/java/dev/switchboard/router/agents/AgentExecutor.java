package dev.switchboard.router.agents;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An agent backend. The router calls {@link #execute} off the WebSocket threads; the executor reports
 * progress through {@link AgentRunEvents} and completes the returned stage with a result, or
 * exceptionally for a failed run. The router emits {@code agent_started} before and
 * {@code agent_completed} after, so a run always starts and ends exactly once whatever the executor
 * does. Implementations must not block the calling thread for long.
 */
public interface AgentExecutor extends AutoCloseable {

    /** The backend's name, shown as {@code agent} when a request names none. */
    String name();

    /** Completes when the executor can take runs; the router is not ready before. */
    default CompletionStage<Void> warmUp() {
        return CompletableFuture.completedFuture(null);
    }

    /** Whether the backend can take runs now (its health check); unhealthy backends are skipped. */
    default boolean isHealthy() {
        return true;
    }

    /**
     * Whether this executor emits {@code agent_started} itself through {@link AgentRunEvents#started()}
     * (an HTTP backend does when its response headers arrive). Such an executor may fail a run with
     * {@link BackendFailure} before it started, and the router then tries another backend once.
     */
    default boolean announcesStart() {
        return false;
    }

    /** Starts one run; returns at once. */
    CompletionStage<AgentResult> execute(AgentRequest request, AgentRunEvents events);

    /** Releases the executor's threads. */
    @Override
    default void close() {
    }
}
