package dev.switchboard.router.monitor.wire;

import java.time.Instant;
import java.util.List;

/**
 * The path one sampled message took through the router, as the {@code trace} command answers it.
 *
 * @param at           when its frame arrived
 * @param userId       its sender
 * @param connectionId the connection it came on
 * @param messageId    its {@code message_id}, or null (a frame refused before it had one)
 * @param type         its type, or {@code invalid} for a frame refused before it had one
 * @param runId        the run it started, or null
 * @param frameBytes   the frame's length in characters (UTF-16 units, as the router read it)
 * @param totalMs      from the frame's arrival to the end of its last step
 * @param done         whether the message is done (else it is under way, and more steps may come); the
 *                     run it started may still add its {@code backend} and {@code retry} steps
 * @param droppedSteps steps past {@code MessageTrace.MAX_STEPS} (32), counted, not kept
 * @param steps        the steps, in the order they began
 */
public record TraceRecord(Instant at, String userId, String connectionId, String messageId, String type,
                          String runId, int frameBytes, double totalMs, boolean done, int droppedSteps,
                          List<TraceStep> steps) {
}
