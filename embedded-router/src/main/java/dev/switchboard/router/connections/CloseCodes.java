package dev.switchboard.router.connections;

/** The WebSocket close codes the router uses (RFC 6455 section 7.4.1). */
public final class CloseCodes {
    /** Closed on purpose (an operator's disconnect). */
    public static final int NORMAL = 1000;
    /** Server shutting down, or the connection was idle past the timeout. */
    public static final int GOING_AWAY = 1001;
    /** A client kept breaking a limit after being told (a monitor flooding commands). */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame over the hard size limit. */
    public static final int TOO_BIG = 1009;
    /** The client's outbound queue overflowed: it reads too slowly. */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }
}
