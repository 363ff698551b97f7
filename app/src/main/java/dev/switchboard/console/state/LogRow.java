package dev.switchboard.console.state;

import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.protocol.Json;
import java.time.Instant;

/**
 * One line of the live log.
 *
 * @param at        when (server time), or null when the frame did not say
 * @param direction {@code in} (from a client) or {@code out} (to a client)
 * @param userId    the user
 * @param type      the message or event type
 * @param detail    the rest, short: class and label, run and seq, error code
 * @param source    the monitor event the line stands for, whole
 */
public record LogRow(Instant at, String direction, String userId, String type, String detail, MonitorEvent source) {

    /** The event whole, as indented JSON (the detail pane, Copy as JSON). */
    public String json() {
        return source == null ? "" : Json.writePretty(source);
    }
}
