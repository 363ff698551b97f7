package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.switchboard.router.agents.RunStatus;
import java.time.Instant;

/**
 * One agent run: an element of a snapshot's {@code runs_in_flight} and {@code recent_runs}, and the
 * {@code run} of {@code run_started} and {@code run_ended} events. Listed in
 * {@code src/docs/protocol.md}.
 *
 * @param runId        the run id
 * @param userId       the run's user
 * @param connectionId the connection that started it
 * @param threadId     the conversation thread
 * @param agent        the agent asked for, else the backend's name
 * @param backend      the backend serving it, or null when none could
 * @param status       {@code running}, {@code completed}, {@code failed} or {@code cancelled}
 * @param startedAt    when it started
 * @param durationMs   from start to end, or to the snapshot while running
 * @param events       events emitted so far
 * @param error        the error of a failed or cancelled run, or null
 * @param queuedMs     from the arrival of the frame that asked for it to its start and
 *                     {@code message_ack}, in ms; null from a router that does not say
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunSummary(String runId, String userId, String connectionId, String threadId, String agent,
                         String backend, RunStatus status, Instant startedAt, long durationMs, int events,
                         String error, Double queuedMs) {
}
