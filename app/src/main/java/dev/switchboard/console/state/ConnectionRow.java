package dev.switchboard.console.state;

/** One client connection as the connections view shows it. */
public record ConnectionRow(String connectionId, String userId, String remoteAddress, String threadId,
                            String connectedAt, String lastActivity, long messagesIn, long messagesOut) {
}
