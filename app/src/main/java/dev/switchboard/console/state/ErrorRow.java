package dev.switchboard.console.state;

/** One error sent to a client, as the handler-errors view shows it. */
public record ErrorRow(String at, String userId, String connectionId, String type, String code, String message,
                       String json) {
}
