package dev.switchboard.console.state;

/**
 * One client connection as the connections view shows it.
 *
 * @param nodeId the cluster node holding it; empty for a router alone (a user's row: its nodes)
 */
public record ConnectionRow(String connectionId, String userId, String remoteAddress, String threadId,
                            String connectedAt, String lastActivity, long messagesIn, long messagesOut,
                            String nodeId) {

    /** A connection of a router alone. */
    public ConnectionRow(String connectionId, String userId, String remoteAddress, String threadId,
                         String connectedAt, String lastActivity, long messagesIn, long messagesOut) {
        this(connectionId, userId, remoteAddress, threadId, connectedAt, lastActivity, messagesIn, messagesOut, "");
    }
}
