package dev.switchboard.console.inject;

import java.time.Instant;

/**
 * A frame an injected connection received.
 *
 * @param at     when the console received it
 * @param userId whose connection received it
 * @param type   its {@code type}, or {@code jsonrpc result}/{@code jsonrpc error} for a JSON-RPC response
 * @param text   the frame as received
 * @param roundTripMs for the first answer to a message the console sent (its {@code reply_to}, or a
 *               JSON-RPC response's {@code id}): the time from the send to this frame, in ms; else null
 */
public record ReceivedFrame(Instant at, String userId, String type, String text, Double roundTripMs) {

    /** "12.3 ms" for a first answer, else empty. */
    public String roundTrip() {
        return roundTripMs == null ? "" : String.format(java.util.Locale.ROOT, "%.1f ms", roundTripMs);
    }
}
