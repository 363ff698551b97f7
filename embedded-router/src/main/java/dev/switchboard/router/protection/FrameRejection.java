package dev.switchboard.router.protection;

import dev.switchboard.router.protocol.ErrorCode;
import java.util.Locale;

/**
 * The protection pipeline's refusal of one inbound frame, before any handler sees it: why, and a
 * text for the sender that never quotes the content. (A handler that refuses a message it was given
 * throws {@code routing.MessageRejected}; a handshake refused before the socket opens is a
 * {@code transport.SideEndpoint.HandshakeRefusal}.)
 *
 * @param reason the reason (and so the error code)
 * @param text   the error message
 */
public record FrameRejection(Reason reason, String text) {

    /** Why a frame was refused: each reason has its own counter and its error code. */
    public enum Reason {
        /** Over the soft frame limit. */
        FRAME_TOO_LARGE(ErrorCode.TOO_LARGE),
        /** A binary frame. */
        BINARY_FRAME(ErrorCode.BINARY_NOT_SUPPORTED),
        /** Not JSON. */
        INVALID_JSON(ErrorCode.INVALID_JSON),
        /** JSON but not a message: not an object, bad {@code type}, bad field types, too deep. */
        INVALID_SHAPE(ErrorCode.INVALID_MESSAGE),
        /** More object fields than allowed in one message. */
        TOO_MANY_FIELDS(ErrorCode.INVALID_MESSAGE),
        /** Control characters (NUL included) in a text field, under the reject policy. */
        CONTROL_CHARACTERS(ErrorCode.INVALID_MESSAGE),
        /** Script or HTML injection in a text field. */
        MARKUP(ErrorCode.INVALID_MESSAGE),
        /** One string field over its size limit. */
        FIELD_TOO_LARGE(ErrorCode.TOO_LARGE),
        /** A payload field of the wrong type, or a required one missing, for the message type. */
        PAYLOAD_TYPES(ErrorCode.INVALID_MESSAGE);

        private final ErrorCode code;

        Reason(ErrorCode code) {
            this.code = code;
        }

        /** The error code sent for this reason. */
        public ErrorCode code() {
            return code;
        }

        /** The reason as a metric tag. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
