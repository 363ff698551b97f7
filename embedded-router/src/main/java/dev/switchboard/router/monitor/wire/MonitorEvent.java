package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One element of a {@code monitor_update}'s {@code events}, told apart by its {@code kind}; each
 * has {@code at}, when the router saw it. Listed in {@code src/docs/protocol.md}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind",
        defaultImpl = MonitorEvent.Unknown.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = MonitorEvent.MessageIn.class, name = "message"),
        @JsonSubTypes.Type(value = MonitorEvent.RunEvent.class, name = "run_event"),
        @JsonSubTypes.Type(value = MonitorEvent.UserEvent.class, name = "event"),
        @JsonSubTypes.Type(value = MonitorEvent.ErrorSent.class, name = "error"),
        @JsonSubTypes.Type(value = MonitorEvent.Reply.class, name = "reply"),
        @JsonSubTypes.Type(value = MonitorEvent.RunStarted.class, name = "run_started"),
        @JsonSubTypes.Type(value = MonitorEvent.RunEnded.class, name = "run_ended"),
        @JsonSubTypes.Type(value = MonitorEvent.ConnectionOpened.class, name = "connection_opened"),
        @JsonSubTypes.Type(value = MonitorEvent.ConnectionClosed.class, name = "connection_closed"),
        @JsonSubTypes.Type(value = MonitorEvent.BreakerTransition.class, name = "breaker"),
        @JsonSubTypes.Type(value = MonitorEvent.RolloutChange.class, name = "rollout"),
        @JsonSubTypes.Type(value = MonitorEvent.OperatorAction.class, name = "operator_action"),
        @JsonSubTypes.Type(value = MonitorEvent.Coalesced.class, name = "coalesced"),
        @JsonSubTypes.Type(value = MonitorEvent.MessageTraced.class, name = "message_trace"),
        @JsonSubTypes.Type(value = MonitorEvent.Unknown.class, name = "unknown")})
public sealed interface MonitorEvent {

    /** When the router saw it. */
    Instant at();

    /**
     * {@code message}: a client message admitted by the protection pipeline.
     *
     * @param direction    always {@code in}
     * @param userId       the sender
     * @param connectionId the connection it came on
     * @param type         its type
     * @param messageId    its {@code message_id}, or null
     * @param threadId     its {@code thread_id}, or null
     * @param priority     its priority ({@code critical} … {@code low})
     * @param label        its classification's label
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MessageIn(Instant at, String direction, String userId, String connectionId, String type, String messageId,
                     String threadId, String priority, String label) implements MonitorEvent {
    }

    /**
     * {@code run_event}: an agent-run event sent to a user (its fields as the user got them).
     *
     * @param direction always {@code out}
     * @param userId    the run's user
     * @param type      {@code agent_started} … {@code agent_completed}
     * @param runId     the run
     * @param threadId  the run's thread
     * @param seq       1, 2, … within the run
     * @param timestamp the event's own ISO-8601 time, as the user got it
     * @param data      the event's {@code data}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RunEvent(Instant at, String direction, String userId, String type, String runId, String threadId, int seq,
                    String timestamp, RunEventData data) implements MonitorEvent {
    }

    /**
     * The {@code data} of a run event; only the fields its type has are present (see the agent-run
     * events in {@code src/docs/protocol.md}).
     *
     * @param agent      {@code agent_started}: the agent
     * @param backend    {@code agent_started}: the backend serving the run
     * @param thought    {@code agent_thinking}: the thought
     * @param tool       {@code tool_executing}, {@code tool_completed}: the tool
     * @param input      {@code tool_executing}: the tool's input
     * @param output     {@code tool_completed}: the tool's output
     * @param durationMs {@code tool_completed}: how long the tool took
     * @param status     {@code agent_completed}: {@code completed}, {@code failed} or {@code cancelled}
     * @param result     {@code agent_completed}: the answer of a completed run
     * @param error      {@code agent_completed}: why a run failed or was cancelled
     * @param retriedFrom {@code agent_started}: the backend that failed before the run started, after a retry
     * @param reason     {@code agent_completed}: why an http backend failed the run ({@code backend_unavailable},
     *                   {@code timeout}, {@code backend_stream_ended})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RunEventData(String agent, String backend, String thought, String tool, JsonNode input, JsonNode output,
                        Long durationMs, String status, String result, String error, String retriedFrom,
                        String reason) {
    }

    /**
     * {@code event}: another event sent to a user ({@code quality_alert}), with its own fields.
     *
     * @param direction always {@code out}
     * @param userId    the user
     * @param type      the event's type
     * @param fields    its other fields, in the order sent
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record UserEvent(Instant at, String direction, String userId, String type,
                     @JsonAnySetter @JsonAnyGetter Map<String, Object> fields) implements MonitorEvent {
        public UserEvent {
            fields = fields == null ? new LinkedHashMap<>() : fields;
        }
    }

    /**
     * {@code error}: an error sent to a client; also an element of a snapshot's {@code recent_errors}.
     *
     * @param userId       the client's user
     * @param connectionId its connection
     * @param type         the offending message's type, or {@code invalid}
     * @param code         the error code
     * @param message      the error's text
     * @param messageId    the offending message's {@code message_id} (what the error's {@code reply_to}
     *                     says), or null; left out when null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ErrorSent(Instant at, String userId, String connectionId, String type, String code, String message,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String messageId) implements MonitorEvent {
    }

    /** {@code run_started}: a run began. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RunStarted(Instant at, RunSummary run) implements MonitorEvent {
    }

    /** {@code run_ended}: a run ended (it is kept for the snapshots' {@code recent_runs}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RunEnded(Instant at, RunSummary run) implements MonitorEvent {
    }

    /** {@code connection_opened}: a client connection opened. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ConnectionOpened(Instant at, ConnectionSummary connection) implements MonitorEvent {
    }

    /**
     * {@code connection_closed}: a client connection closed.
     *
     * @param closeCode   the close code (sent by whichever side closed first; 1006 when the socket
     *                    broke with no close frame), or null from a router that does not say
     * @param closeReason the close frame's reason text, or empty
     * @param closedBy    {@code client}, {@code router} or {@code network}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ConnectionClosed(Instant at, ConnectionSummary connection, Integer closeCode, String closeReason,
                            String closedBy) implements MonitorEvent {
    }

    /**
     * {@code reply}: a frame the router sent to one connection in answer to it ({@code message_ack},
     * {@code pong}, {@code validation_result}, {@code connection_established}, …), listed and
     * counted like other traffic. Errors are {@code error} events, run events {@code run_event}.
     *
     * @param direction    always {@code out}
     * @param userId       the connection's user
     * @param connectionId the connection
     * @param type         the frame's type ({@code rpc_result} for a JSON-RPC result)
     * @param replyTo      the {@code message_id} (or JSON-RPC id) answered, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Reply(Instant at, String direction, String userId, String connectionId, String type, String replyTo)
            implements MonitorEvent {
    }

    /**
     * {@code breaker}: a circuit breaker changed state.
     *
     * @param breaker its name
     * @param from    the state it left
     * @param to      the state it entered
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record BreakerTransition(Instant at, String breaker, String from, String to) implements MonitorEvent {
    }

    /**
     * {@code rollout}: the rollout changed.
     *
     * @param change    {@code change} (by an operator) or {@code rollback} (by the SLA guard)
     * @param fromMode  the mode before
     * @param toMode    the mode after
     * @param candidate the candidate after, or null
     * @param percent   the percentage after
     * @param reason    why, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RolloutChange(Instant at, String change, String fromMode, String toMode, String candidate, int percent,
                         String reason) implements MonitorEvent {
    }

    /**
     * {@code operator_action}: an operator command, carried out or refused (a viewer's included),
     * seen by every monitor.
     *
     * @param by     the subject of the sender's token ({@code embedded} for the embedding process)
     * @param action the command's {@code type}: {@code disconnect}, {@code breaker}, …
     * @param args   its fields but {@code type} and {@code message_id}
     * @param result what it did (its {@code result}, an issued token left out), or
     *               {@code {"error": code, "message": …}} when refused
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record OperatorAction(Instant at, String by, String action, JsonNode args, JsonNode result)
            implements MonitorEvent {

        /** Whether the router carried it out (a refusal's result has {@code error}). */
        public boolean done() {
            return result == null || !result.has("error");
        }
    }

    /**
     * {@code message_trace}: a sampled message is done, with its trace as it was then (listed within
     * a budget of its own; the {@code trace} command has every later step, a run's {@code backend}
     * and {@code retry} included).
     *
     * @param trace the trace
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record MessageTraced(Instant at, TraceRecord trace) implements MonitorEvent {
    }

    /**
     * {@code coalesced}: the traffic of one update over the monitor's per-update limit, counted
     * instead of listed (it comes last in the update's events).
     *
     * @param events how many traffic events it stands for
     * @param byType those events counted by message or event type
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Coalesced(Instant at, long events, Map<String, Long> byType) implements MonitorEvent {
        public Coalesced {
            byType = byType == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byType));
        }
    }

    /** An event of a kind this version does not know (a newer router): kept, shown nowhere. */
    @JsonTypeName("unknown")
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Unknown(Instant at) implements MonitorEvent {
    }
}
