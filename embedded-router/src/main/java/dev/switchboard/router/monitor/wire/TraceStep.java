package dev.switchboard.router.monitor.wire;

import java.util.Map;

/**
 * One step of a traced message's path.
 *
 * @param step   {@code decode}, {@code protection}, {@code enqueued}, {@code dequeued}, {@code handler},
 *               {@code run}, {@code backend}, {@code retry}, {@code shared_rate_limit}, {@code reply} or
 *               {@code error} (listed in {@code src/docs/protocol.md})
 * @param atMs   when the step began, in ms after the frame arrived
 * @param ms     how long it took
 * @param detail what the step decided, by name
 */
public record TraceStep(String step, double atMs, double ms, Map<String, Object> detail) {
}
