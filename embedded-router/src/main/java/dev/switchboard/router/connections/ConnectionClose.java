package dev.switchboard.router.connections;

/**
 * How a connection ended, as the monitor's {@code connection_closed} tells it.
 *
 * @param code   the close code: the one sent by whichever side closed first, or 1006 when the
 *               socket broke without a close frame
 * @param reason the close frame's reason text, or empty
 * @param by     {@link #CLIENT}, {@link #ROUTER} or {@link #NETWORK}
 */
public record ConnectionClose(int code, String reason, String by) {
    /** The client sent the first close frame. */
    public static final String CLIENT = "client";
    /** The router closed it (a limit, a bad frame, an operator, shutdown). */
    public static final String ROUTER = "router";
    /** The socket ended with no close frame either way (1006). */
    public static final String NETWORK = "network";

    public ConnectionClose {
        reason = reason == null ? "" : reason;
    }
}
