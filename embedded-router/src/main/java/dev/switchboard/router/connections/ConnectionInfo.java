package dev.switchboard.router.connections;

import java.time.Instant;

/**
 * A read-only copy of one connection's state.
 *
 * @param connectionId  the connection id sent in {@code connection_established}
 * @param userId        the authenticated user
 * @param remoteAddress the peer's address and port
 * @param threadId      the conversation thread last used on this connection, or null
 * @param connectedAt   when the connection opened
 * @param lastActivity  when the last frame arrived
 * @param messagesIn    frames received
 * @param messagesOut   frames sent
 * @param close         how it ended, or null while it is open
 */
public record ConnectionInfo(String connectionId, String userId, String remoteAddress, String threadId,
                             Instant connectedAt, Instant lastActivity, long messagesIn, long messagesOut,
                             ConnectionClose close) {
}
