package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ErrorCode;
import java.util.Map;
import java.util.Objects;

/**
 * Thrown by a handler (or an {@link AdmissionCheck}) to answer the message it was given with a
 * documented error code instead of a reply. Carries no stack trace: it is an answer, not a failure.
 * (Frames refused before routing are {@code protection.FrameRejection}s; an agent run that cannot
 * start is {@code agents.RunRejected}, which the agent handlers turn into this.)
 */
public final class MessageRejected extends RuntimeException {
    private final ErrorCode code;
    private final transient Map<String, Object> details;

    public MessageRejected(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public MessageRejected(ErrorCode code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code must not be null");
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    /** Extra fields for the error event. */
    public Map<String, Object> details() {
        return details;
    }
}
