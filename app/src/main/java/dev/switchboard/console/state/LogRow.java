package dev.switchboard.console.state;

/**
 * One line of the live log.
 *
 * @param at        when (server time)
 * @param direction {@code in} (from a client) or {@code out} (to a client)
 * @param userId    the user
 * @param type      the message or event type
 * @param detail    the rest, short: class and label, run and seq, error code
 */
public record LogRow(String at, String direction, String userId, String type, String detail) {
}
