package dev.switchboard.router.agents;

import java.time.Instant;

/**
 * A read-only copy of one run's state.
 *
 * @param runId        the run id
 * @param userId       the run's user
 * @param connectionId the connection that started it
 * @param threadId     the conversation thread
 * @param agent        the agent name (the one requested, else the backend's)
 * @param backend      the backend serving the run, or null when none could
 * @param status       where the run is
 * @param startedAt    when it started
 * @param durationMs   time from start to end, or to now while running
 * @param events       events emitted so far
 * @param error        the error of a failed or cancelled run, or null
 * @param queuedMs     how long the message asking for it waited from its frame's arrival to the
 *                     run's start (and its {@code message_ack}), in milliseconds
 */
public record RunInfo(String runId, String userId, String connectionId, String threadId, String agent,
                      String backend, RunStatus status, Instant startedAt, long durationMs, int events, String error,
                      double queuedMs) {
}
