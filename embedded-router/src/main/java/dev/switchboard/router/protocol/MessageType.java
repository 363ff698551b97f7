package dev.switchboard.router.protocol;

import java.util.Set;

/** The {@code type} values of client-to-server messages that the built-in handlers serve. */
public final class MessageType {
    public static final String PING = "ping";
    public static final String HEARTBEAT = "heartbeat";
    public static final String TYPING = "typing";
    public static final String USER_MESSAGE = "user_message";
    public static final String START_AGENT = "start_agent";
    public static final String STOP_AGENT = "stop_agent";
    public static final String GET_QUALITY_METRICS = "get_quality_metrics";
    public static final String SUBSCRIBE_QUALITY_ALERTS = "subscribe_quality_alerts";
    public static final String VALIDATE_CONTENT = "validate_content";
    public static final String GENERATE_QUALITY_REPORT = "generate_quality_report";
    public static final String BATCH = "batch";

    /** The types counted as quality messages in the routing statistics. */
    public static final Set<String> QUALITY =
            Set.of(GET_QUALITY_METRICS, SUBSCRIBE_QUALITY_ALERTS, VALIDATE_CONTENT, GENERATE_QUALITY_REPORT);

    /** Liveness types: they have their own rate-limit bucket so an idle client is never throttled. */
    public static final Set<String> LIVENESS = Set.of(PING, HEARTBEAT);

    private MessageType() {
    }
}
