package dev.switchboard.router.agents;

import dev.switchboard.router.protocol.ErrorCode;

/**
 * An agent run could not be started (not warmed up, shutting down, too many in flight); nothing was
 * emitted for it. The agent handlers answer it as a {@code routing.MessageRejected} with its code.
 */
public final class RunRejected extends RuntimeException {
    private final ErrorCode code;

    public RunRejected(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
