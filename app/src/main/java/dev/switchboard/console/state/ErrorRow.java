package dev.switchboard.console.state;

import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.protocol.Json;

/**
 * One error sent to a client, as the handler-errors view shows it.
 *
 * @param source the error as the monitor sent it
 */
public record ErrorRow(String at, String userId, String connectionId, String type, String code, String message,
                       MonitorEvent.ErrorSent source) {

    /** The error as indented JSON, written when asked for (a selected row), not for every error. */
    public String json() {
        return Json.writePretty(source);
    }
}
