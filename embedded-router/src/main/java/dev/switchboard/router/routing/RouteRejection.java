package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ErrorCode;
import java.util.Map;
import java.util.Objects;

/**
 * Thrown by a handler (or an admission check) to refuse a message with a documented error code.
 * Carries no stack trace: it is an answer, not a failure.
 */
public final class RouteRejection extends RuntimeException {
    private final ErrorCode code;
    private final transient Map<String, Object> details;

    public RouteRejection(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public RouteRejection(ErrorCode code, String message, Map<String, Object> details) {
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
