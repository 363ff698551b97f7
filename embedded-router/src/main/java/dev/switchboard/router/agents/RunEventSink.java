package dev.switchboard.router.agents;

import dev.switchboard.router.protocol.ServerEvent;

/** Where a run's events go: to every connection of the run's user and to no one else. */
@FunctionalInterface
public interface RunEventSink {

    void emit(String userId, ServerEvent event);

    /**
     * As {@link #emit(String, ServerEvent)}, running {@code written} (when not null) once the event's
     * frame has been written to the first of the user's connections on this node that took it; never
     * if none did. This default ignores it.
     */
    default void emit(String userId, ServerEvent event, Runnable written) {
        emit(userId, event);
    }
}
