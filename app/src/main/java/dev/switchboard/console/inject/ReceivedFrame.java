package dev.switchboard.console.inject;

import java.time.Instant;

/**
 * A frame an injected connection received.
 *
 * @param at     when the console received it
 * @param userId whose connection received it
 * @param type   its {@code type}, or {@code jsonrpc result}/{@code jsonrpc error} for a JSON-RPC response
 * @param text   the frame as received
 */
public record ReceivedFrame(Instant at, String userId, String type, String text) {
}
