package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a monitor connection that sent {@code record} receives: {@code recording} frames with the
 * entries seen since the previous one, at most ten a second, then one {@code recording_ended}.
 *
 * @param type    {@code recording} or {@code recording_ended}
 * @param seq     1, 2, … per recording
 * @param entries in the order the router saw them
 * @param dropped entries lost since the previous frame (the router's recording queue was full, or
 *                this connection did not read)
 * @param reason  ({@code recording_ended} only) {@code stopped} (by {@code record stop}) or
 *                {@code expired} ({@code for_ms} ran out)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecordingFrame(String type, long seq, List<RecordedEntry> entries, long dropped, String reason) {

    /** {@code type} of a frame of entries. */
    public static final String RECORDING = "recording";
    /** {@code type} of the last frame of a recording. */
    public static final String ENDED = "recording_ended";

    public RecordingFrame {
        entries = List.copyOf(entries);
    }
}
