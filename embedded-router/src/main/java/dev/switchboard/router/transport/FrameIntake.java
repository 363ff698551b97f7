package dev.switchboard.router.transport;

import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.FrameRejection;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.Decoded;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.FieldMap;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.routing.RoutingStats;
import dev.switchboard.router.trace.MessageTrace;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The inbound steps every text frame takes before the dispatch queue: the soft size limit,
 * decoding, and the protection pipeline (validation, classification, rate limits). A refused frame
 * is answered here; an admitted one is handed back with its context. Shared by the socket server
 * and the in-process pipeline so both run exactly the same code.
 */
final class FrameIntake {
    private final JsonCodec codec;
    private final Protection protection;
    private final int softFrameLimit;

    /** Builds the context that answers one message (or a stand-in for an undecodable frame). */
    @FunctionalInterface
    interface Contexts {
        SocketMessageContext context(ClientMessage message, int rpcErrorCode);
    }

    /** A message the pipeline let through, with the context that answers it. */
    record Admitted(ClientMessage message, SocketMessageContext context, Protection.Verdict verdict) {
        Classification classification() {
            return verdict.classification();
        }
    }

    FrameIntake(JsonCodec codec, Protection protection, int softFrameLimit) {
        this.codec = codec;
        this.protection = protection;
        this.softFrameLimit = softFrameLimit;
    }

    /**
     * Admits {@code text} from {@code userId} on {@code connectionId}, or answers it and returns null.
     *
     * @param trace the frame's trace when it is sampled, else null (then nothing here costs more)
     */
    Admitted admit(String userId, String connectionId, String text, Contexts contexts, MessageTrace trace) {
        long decodeStart = trace != null ? System.nanoTime() : 0;
        if (isOverSoftLimit(text)) {
            protection.rejected(FrameRejection.Reason.FRAME_TOO_LARGE);
            if (trace != null) {
                trace.message(RoutingStats.UNPARSED_TYPE, null);
                trace.step("decode", decodeStart, Map.of("verdict", ErrorCode.TOO_LARGE.wire()));
            }
            unparsed(contexts, ErrorCode.TOO_LARGE, "frame is over the " + softFrameLimit + "-byte limit");
            return null;
        }
        Decoded decoded = codec.decode(text);
        if (trace != null) {
            traceDecode(trace, decodeStart, decoded);
        }
        if (decoded instanceof Decoded.Rejected rejected) {
            protection.rejected(rejected.code() == ErrorCode.INVALID_JSON
                    ? FrameRejection.Reason.INVALID_JSON : FrameRejection.Reason.INVALID_SHAPE);
            ClientMessage stand = new ClientMessage(RoutingStats.UNPARSED_TYPE, rejected.messageId(), null, null, null,
                    rejected.rpcId(), rejected.jsonRpc());
            contexts.context(stand, rejected.rpcCode()).fail(rejected.code(), rejected.reason());
            return null;
        }
        ClientMessage message = ((Decoded.Message) decoded).message();
        SocketMessageContext context = contexts.context(message, 0);
        long protectionStart = trace != null ? System.nanoTime() : 0;
        Protection.Verdict verdict = protection.admit(userId, connectionId, message);
        if (trace != null) {
            traceProtection(trace, protectionStart, userId, connectionId, message, verdict);
        }
        if (!verdict.admitted()) {
            context.fail(verdict.code(), verdict.text(),
                    verdict.retryAfterMs() > 0 ? Map.of("retry_after_ms", verdict.retryAfterMs()) : Map.of());
            return null;
        }
        return new Admitted(message, context, verdict);
    }

    private static void traceDecode(MessageTrace trace, long startedNanos, Decoded decoded) {
        if (decoded instanceof Decoded.Rejected rejected) {
            trace.message(RoutingStats.UNPARSED_TYPE, rejected.messageId());
            FieldMap.Builder detail = FieldMap.builder();
            detail.put("verdict", rejected.code().wire());
            detail.put("reason", String.valueOf(rejected.reason()));
            trace.step("decode", startedNanos, detail.build());
        } else {
            ClientMessage message = ((Decoded.Message) decoded).message();
            trace.message(message.type(), message.messageId());
            FieldMap.Builder detail = FieldMap.builder();
            detail.put("verdict", "ok");
            detail.put("json_rpc", message.jsonRpc());
            trace.step("decode", startedNanos, detail.build());
        }
    }

    /** Validation, classification and the rate limits, as one step: what each decided. */
    private void traceProtection(MessageTrace trace, long startedNanos, String userId, String connectionId,
                                 ClientMessage message, Protection.Verdict verdict) {
        FieldMap.Builder detail = FieldMap.builder();
        Classification classification = verdict.classification();
        // no classification: validation refused it before anything else looked
        detail.put("validation", classification == null ? verdict.code().wire() + ": " + verdict.text() : "passed");
        if (classification != null) {
            FieldMap.Builder rule = FieldMap.builder();
            rule.put("rule", classification.rule());
            rule.put("type", message.type());
            rule.put("priority", classification.priority().wire());
            rule.put("label", classification.label());
            detail.put("classification", rule.build());
            FieldMap.Builder limits = FieldMap.builder();
            limits.put("admitted", verdict.admitted());
            limits.put("tokens_left", protection.tokensLeft(userId, connectionId, message));
            if (!verdict.admitted()) {
                limits.put("retry_after_ms", verdict.retryAfterMs());
            }
            detail.put("rate_limit", limits.build());
        }
        trace.step("protection", startedNanos, detail.build());
    }

    /** Answers a frame that was never parsed (too large, binary) with {@code code}. */
    static void unparsed(Contexts contexts, ErrorCode code, String text) {
        ClientMessage stand = new ClientMessage(RoutingStats.UNPARSED_TYPE, null, null, null, null, null, false);
        contexts.context(stand, 0).fail(code, text);
    }

    private boolean isOverSoftLimit(String text) {
        if ((long) text.length() * 3 <= softFrameLimit) {
            return false;
        }
        return text.length() > softFrameLimit || text.getBytes(StandardCharsets.UTF_8).length > softFrameLimit;
    }
}
