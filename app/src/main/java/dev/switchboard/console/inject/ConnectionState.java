package dev.switchboard.console.inject;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one user's injected connection is.
 *
 * @param userId       the user
 * @param phase        none yet, connecting, open, closed or failed
 * @param since        when it entered that phase (null for {@link Phase#NONE})
 * @param connectionId the router's id for the connection, from {@code connection_established}, or null
 * @param closeCode    the close code when {@link Phase#CLOSED}, else 0
 * @param detail       the close reason, the failure, or the URI being connected to
 */
public record ConnectionState(String userId, Phase phase, Instant since, String connectionId, int closeCode,
                              String detail) {

    /** The phases of an injected connection. */
    public enum Phase { NONE, CONNECTING, OPEN, CLOSED, FAILED }

    public ConnectionState {
        Objects.requireNonNull(userId, "userId must not be null");
        Objects.requireNonNull(phase, "phase must not be null");
    }

    /** No connection for the user yet. */
    public static ConnectionState none(String userId) {
        return new ConnectionState(userId, Phase.NONE, null, null, 0, null);
    }

    /** Whether a send can still go out on this connection (open, or about to be). */
    public boolean usable() {
        return phase == Phase.CONNECTING || phase == Phase.OPEN;
    }

    /** One line for people: "open as c-1f…", "closed 1000 (disconnected by an operator)". */
    public String describe() {
        return switch (phase) {
            case NONE -> "not connected (Send connects)";
            case CONNECTING -> "connecting" + (detail == null ? "" : " to " + detail);
            case OPEN -> connectionId == null ? "open" : "open as " + connectionId;
            case CLOSED -> "closed " + closeCode + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
            case FAILED -> "failed: " + detail;
        };
    }
}
