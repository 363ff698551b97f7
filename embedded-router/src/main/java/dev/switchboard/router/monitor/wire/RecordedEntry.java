package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One entry of a {@code recording} frame: what a client sent, or what came of it. Fields that do not
 * belong to the entry's {@code kind} are left out.
 *
 * @param kind         {@code message} (a frame holding a JSON object with a text {@code type}, or
 *                     a JSON-RPC request with a text {@code method}),
 *                     {@code unparsed} (any other text frame), {@code error} (an error sent to a
 *                     client), {@code run_started} or {@code run_ended}
 * @param at           when the router saw it
 * @param userId       whose it is
 * @param connectionId the connection (null for {@code run_ended})
 * @param message      ({@code message}) the frame's object: every text but those that route it
 *                     replaced by filler of the same length, unless the recording keeps content
 * @param chars        ({@code unparsed}) the frame's length in characters
 * @param value        ({@code unparsed}) a frame that is valid JSON but no message (an array, an
 *                     object without a text {@code type}), masked like a message; absent for text
 *                     that is no JSON, or a frame over the router's frame limit
 * @param type         ({@code error}) the type of the message answered ({@code invalid} for a frame
 *                     refused before it had one, {@code agent_run} for a run's error)
 * @param code         ({@code error}) the error code
 * @param messageId    ({@code error}) the {@code message_id} of the message answered, if it had one
 * @param runId        ({@code run_started}, {@code run_ended}; a run's {@code error}) the run
 * @param status       ({@code run_ended}) {@code completed}, {@code failed} or {@code cancelled}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecordedEntry(String kind, Instant at, String userId, String connectionId, JsonNode message,
                            Integer chars, JsonNode value, String type, String code, String messageId, String runId,
                            String status) {

    /** {@code kind} of a frame holding a message. */
    public static final String MESSAGE = "message";
    /** {@code kind} of a frame that is no message. */
    public static final String UNPARSED = "unparsed";
    /** {@code kind} of an error sent. */
    public static final String ERROR = "error";
    /** {@code kind} of a run's start. */
    public static final String RUN_STARTED = "run_started";
    /** {@code kind} of a run's end. */
    public static final String RUN_ENDED = "run_ended";
}
