package dev.switchboard.router.agents;

import dev.switchboard.router.protocol.ErrorCode;
import java.util.Objects;

/**
 * A run that failed because its backend did: it ends with {@code agent_completed} status
 * {@code failed} and {@code reason}, preceded by an {@code error} event with {@code reason} as its code.
 * When the backend failed before the run {@linkplain AgentRunEvents#started() started} (refused, a
 * non-2xx answer), the router tries another healthy backend once instead.
 */
public final class BackendFailure extends RuntimeException {
    /** The backend could not be reached or answered with something else than an event stream. */
    public static final String UNAVAILABLE = ErrorCode.BACKEND_UNAVAILABLE.wire();
    /** A timeout: connecting, the first event, the stream idle or the whole run. */
    public static final String TIMEOUT = ErrorCode.TIMEOUT.wire();
    /** The stream ended without {@code agent_completed}. */
    public static final String STREAM_ENDED = ErrorCode.BACKEND_STREAM_ENDED.wire();

    private final String reason;
    private final boolean beforeStart;

    public BackendFailure(String reason, String detail, boolean beforeStart) {
        super(detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason must not be null");
        this.beforeStart = beforeStart;
    }

    /** {@link #UNAVAILABLE}, {@link #TIMEOUT} or {@link #STREAM_ENDED}: the wire's reason and error code. */
    public String reason() {
        return reason;
    }

    /** Whether nothing had been streamed (the run had not started): another backend may take it. */
    public boolean beforeStart() {
        return beforeStart;
    }
}
