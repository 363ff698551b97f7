package dev.switchboard.router.agents;

import dev.switchboard.router.protocol.ServerEvent;

/** Where a run's events go: to every connection of the run's user and to no one else. */
@FunctionalInterface
public interface RunEventSink {

    void emit(String userId, ServerEvent event);
}
