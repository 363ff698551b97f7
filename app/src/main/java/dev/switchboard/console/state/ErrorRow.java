package dev.switchboard.console.state;

import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.protocol.Json;
import java.time.Instant;

/**
 * One error sent to a client, as the handler-errors view shows it.
 *
 * @param at     when the router sent it, or null when the frame did not say
 * @param source the error as the monitor sent it
 */
public record ErrorRow(Instant at, String userId, String connectionId, String type, String code, String message,
                       MonitorEvent.ErrorSent source) {

    /** The row of an error the monitor reported. */
    public static ErrorRow of(MonitorEvent.ErrorSent error) {
        return new ErrorRow(error.at(), orEmpty(error.userId()), orEmpty(error.connectionId()), orEmpty(error.type()),
                orEmpty(error.code()), orEmpty(error.message()), error);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    /** The error as indented JSON, written when asked for (a selected row), not for every error. */
    public String json() {
        return Json.writePretty(source);
    }
}
