package dev.switchboard.router.agents;

import dev.switchboard.router.protocol.ErrorCode;

/** A run could not be started; nothing was emitted for it. */
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
