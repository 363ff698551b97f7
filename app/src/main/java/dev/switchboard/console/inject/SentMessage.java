package dev.switchboard.console.inject;

import java.time.Instant;

/**
 * A message the console injected, or tried to.
 *
 * @param at      when Send was pressed
 * @param userId  as whom
 * @param type    its type (or JSON-RPC method), for the history list
 * @param text    the frame exactly as sent
 * @param failure why it did not go out, or null when it did
 */
public record SentMessage(Instant at, String userId, String type, String text, String failure) {

    /** Whether the frame went out on the socket. */
    public boolean sent() {
        return failure == null;
    }
}
