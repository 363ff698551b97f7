package dev.switchboard.router.protocol;

import java.util.Set;

/** The {@code type} values of server-to-client messages. */
public final class EventType {
    public static final String CONNECTION_ESTABLISHED = "connection_established";
    public static final String PONG = "pong";
    public static final String HEARTBEAT_ACK = "heartbeat_ack";
    public static final String MESSAGE_ACK = "message_ack";
    public static final String QUALITY_METRICS = "quality_metrics";
    public static final String SUBSCRIPTION_ACK = "subscription_ack";
    public static final String QUALITY_ALERT = "quality_alert";
    public static final String VALIDATION_RESULT = "validation_result";
    public static final String QUALITY_REPORT = "quality_report";
    public static final String ERROR = "error";

    public static final String AGENT_STARTED = "agent_started";
    public static final String AGENT_THINKING = "agent_thinking";
    public static final String TOOL_EXECUTING = "tool_executing";
    public static final String TOOL_COMPLETED = "tool_completed";
    public static final String AGENT_COMPLETED = "agent_completed";

    /** The five agent-run event types, in the order a simple run emits them. */
    public static final Set<String> RUN_EVENTS =
            Set.of(AGENT_STARTED, AGENT_THINKING, TOOL_EXECUTING, TOOL_COMPLETED, AGENT_COMPLETED);

    private EventType() {
    }
}
