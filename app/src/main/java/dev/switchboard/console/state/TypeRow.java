package dev.switchboard.console.state;

/**
 * One message type's figures.
 *
 * @param type   the message type
 * @param count  messages routed since start
 * @param rate   messages a second, over the last update
 * @param errors handler failures
 */
public record TypeRow(String type, long count, double rate, long errors) {
}
