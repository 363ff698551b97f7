package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One open client connection: an element of a snapshot's {@code connections}, and the
 * {@code connection} of {@code connection_opened} and {@code connection_closed} events. Listed in
 * {@code src/docs/protocol.md}.
 *
 * @param connectionId  the id sent in {@code connection_established}
 * @param userId        the authenticated user
 * @param remoteAddress the peer's address and port
 * @param threadId      the conversation thread last used on it, or null
 * @param connectedAt   when it opened
 * @param lastActivity  when its last frame arrived
 * @param messagesIn    frames received
 * @param messagesOut   frames sent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConnectionSummary(String connectionId, String userId, String remoteAddress, String threadId,
                                Instant connectedAt, Instant lastActivity, long messagesIn, long messagesOut) {
}
