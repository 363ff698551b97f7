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
 * @param message      ({@code message}) the frame's object: every text under a key other than the
 *                     structural ones replaced by filler of the same length, unless the recording
 *                     keeps content
 * @param chars        ({@code unparsed}) the frame's length in characters
 * @param type         ({@code error}) the type of the message answered
 * @param code         ({@code error}) the error code
 * @param runId        ({@code run_started}, {@code run_ended}) the run
 * @param status       ({@code run_ended}) {@code completed}, {@code failed} or {@code cancelled}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecordedEntry(String kind, Instant at, String userId, String connectionId, JsonNode message,
                            Integer chars, String type, String code, String runId, String status) {

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
