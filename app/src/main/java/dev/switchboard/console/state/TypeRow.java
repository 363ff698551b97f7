package dev.switchboard.console.state;

/**
 * One message type's figures.
 *
 * @param type       the message type, or {@code (unknown type)} (every type no handler serves) or
 *                   {@code (refused frame)} (frames refused before they had a type)
 * @param count      messages routed to a handler since start; for {@code (unknown type)} the
 *                   messages that found none, for {@code (refused frame)} the frames refused
 * @param rate       {@code count} a second, over the last whole second
 * @param errorsSent error frames sent in answer to messages of this type (rate limits, validation…)
 * @param errors     handler failures
 */
public record TypeRow(String type, long count, double rate, long errorsSent, long errors) {
}
