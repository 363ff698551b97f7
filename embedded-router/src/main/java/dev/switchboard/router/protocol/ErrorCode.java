package dev.switchboard.router.protocol;

import java.util.Locale;

/**
 * Every error code the router sends in an {@code error} event. The wire form is the lower-case name
 * ({@link #wire()}); {@code src/docs/protocol.md} documents when each is sent.
 */
public enum ErrorCode {
    /** The frame is not valid JSON. */
    INVALID_JSON(-32700),
    /** Valid JSON but not a valid message: no {@code type}, wrong field types, bad payload. */
    INVALID_MESSAGE(-32602),
    /** No handler for the message's {@code type}. */
    UNKNOWN_TYPE(-32601),
    /** The frame is over the soft size limit (the connection stays open). */
    TOO_LARGE(-32000),
    /** A binary frame arrived; the protocol is text only. */
    BINARY_NOT_SUPPORTED(-32000),
    /** The run (or other object) does not exist or belongs to another user. */
    NOT_FOUND(-32001),
    /** The sender is over its rate limit; comes with {@code retry_after_ms}. */
    RATE_LIMITED(-32002),
    /** The router has no room for the work right now (queues full). */
    OVERLOADED(-32003),
    /** The message waited longer than its time to live before it could be dispatched. */
    EXPIRED(-32004),
    /** The component that would serve the message is not available. */
    UNAVAILABLE(-32005),
    /** The handler failed unexpectedly; the details are in the server log, never on the wire. */
    HANDLER_FAILED(-32603),
    /** The caller's role does not allow the operation (a monitor viewer sending an operator command). */
    FORBIDDEN(-32006),
    /** An agent run failed because its http backend could not be reached or did not answer with an event stream. */
    BACKEND_UNAVAILABLE(-32007),
    /** An agent run failed because its http backend timed out (connecting, first event, idle, total). */
    TIMEOUT(-32008),
    /** An agent run failed because its http backend's stream ended without {@code agent_completed}. */
    BACKEND_STREAM_ENDED(-32009);

    private final String wire;
    private final int jsonRpcCode;

    ErrorCode(int jsonRpcCode) {
        this.wire = name().toLowerCase(Locale.ROOT);
        this.jsonRpcCode = jsonRpcCode;
    }

    /** The code whose wire form is {@code wire}, or null. */
    public static ErrorCode fromWire(String wire) {
        for (ErrorCode code : values()) {
            if (code.wire.equals(wire)) {
                return code;
            }
        }
        return null;
    }

    /** The code as it appears in the {@code code} field of an {@code error} event. */
    public String wire() {
        return wire;
    }

    /** The JSON-RPC 2.0 error code used when the failing request came as a JSON-RPC frame. */
    public int jsonRpcCode() {
        return jsonRpcCode;
    }
}
