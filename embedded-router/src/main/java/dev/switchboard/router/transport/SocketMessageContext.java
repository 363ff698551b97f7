package dev.switchboard.router.transport;

import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.FieldMap;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.RoutingStats;
import dev.switchboard.router.trace.MessageTrace;
import java.util.Map;

/**
 * The answer path of one message: plain events with {@code reply_to}, or JSON-RPC responses with the
 * request's id. Everything goes through {@link ConnectionRegistry}, to the originating connection.
 */
final class SocketMessageContext implements MessageContext {
    /** The monitor's {@code reply} type of a JSON-RPC result. */
    static final String RPC_RESULT = "rpc_result";
    /** Where a context's encoded frames go: the connection's outbox, or a benchmark's counter. */
    @FunctionalInterface
    interface FrameSink {
        /** Sends a frame; runs {@code written} (when not null) once the socket took it. */
        void send(String userId, String connectionId, String frame, Runnable written);
    }

    /** Hears how long a message took from its frame's arrival to its first answer written to the socket. */
    @FunctionalInterface
    interface AnswerTimer {
        AnswerTimer NONE = nanos -> { };

        void answered(long nanos);
    }

    private final FrameSink registry;
    private final JsonCodec codec;
    private final RoutingStats stats;
    private final String userId;
    private final String connectionId;
    private final ClientMessage message;
    private final int rpcErrorCode;
    private final TrafficListener traffic;
    private final long receivedAtNanos;
    private final AnswerTimer timer;
    /** The message's trace when it is sampled, else null. */
    private final MessageTrace trace;
    private volatile boolean answered;
    /** A frame of the answer went out already (only the first is timed). */
    private volatile boolean sentOne;
    /** The answer comes later, through the context {@link #answerLater()} returned. */
    private volatile boolean deferred;

    /**
     * @param receivedAtNanos when the message's frame arrived ({@link System#nanoTime()})
     * @param timer           hears the time from then to the first answer written
     * @param trace           the message's trace when it is sampled, else null
     */
    SocketMessageContext(FrameSink registry, JsonCodec codec, RoutingStats stats, TrafficListener traffic,
                         String userId, String connectionId, ClientMessage message, int rpcErrorCode,
                         long receivedAtNanos, AnswerTimer timer, MessageTrace trace) {
        this.trace = trace;
        this.receivedAtNanos = receivedAtNanos;
        this.timer = timer;
        this.registry = registry;
        this.codec = codec;
        this.stats = stats;
        this.userId = userId;
        this.connectionId = connectionId;
        this.message = message;
        this.rpcErrorCode = rpcErrorCode;
        this.traffic = traffic;
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public long receivedAtNanos() {
        return receivedAtNanos;
    }

    @Override
    public MessageTrace trace() {
        return trace;
    }

    @Override
    public void reply(ServerEvent event) {
        answered = true;
        if (trace != null) {
            trace.step("reply", System.nanoTime(), Map.of("type", event.type()));
        }
        if (message.jsonRpc()) {
            if (message.rpcId() != null) {
                traffic.replied(userId, connectionId, RPC_RESULT, message.rpcId().asText());
                send(codec.encodeRpcResult(message.rpcId(), event));
            }
            return;
        }
        traffic.replied(userId, connectionId, event.type(), message.messageId());
        send(codec.encode(event, message.messageId()));
    }

    @Override
    public void fail(ErrorCode code, String text, Map<String, Object> details) {
        answered = true;
        if (trace != null) {
            FieldMap.Builder detail = FieldMap.builder();
            detail.put("code", code.wire());
            detail.put("message", String.valueOf(text));
            trace.step("error", System.nanoTime(), detail.build());
        }
        stats.errorSent(message.type(), code);
        traffic.errorSent(userId, connectionId, message.type(), message.messageId(), code, text);
        if (message.jsonRpc()) {
            if (message.rpcId() != null) {
                int rpcCode = rpcErrorCode != 0 ? rpcErrorCode : code.jsonRpcCode();
                send(codec.encodeRpcError(message.rpcId(), rpcCode, code, text, details));
            }
            return;
        }
        send(codec.encode(JsonCodec.errorEvent(code, text, message.messageId(), details)));
    }

    @Override
    public MessageContext answerLater() {
        deferred = true;
        return new SocketMessageContext(registry, codec, stats, traffic, userId, connectionId, message, rpcErrorCode,
                receivedAtNanos, timer, trace);
    }

    @Override
    public void complete() {
        if (!answered && !deferred && message.expectsRpcResponse()) {
            answered = true;
            if (trace != null) {
                trace.step("reply", System.nanoTime(), Map.of("type", RPC_RESULT));
            }
            traffic.replied(userId, connectionId, RPC_RESULT, message.rpcId().asText());
            send(codec.encodeRpcResult(message.rpcId(), null));
        }
    }

    @Override
    public boolean answered() {
        return answered;
    }

    @Override
    public MessageContext forMessage(ClientMessage other) {
        return forMessage(other, 0);
    }

    @Override
    public MessageContext forMessage(ClientMessage other, int rpcErrorCode) {
        return new SocketMessageContext(registry, codec, stats, traffic, userId, connectionId, other, rpcErrorCode,
                receivedAtNanos, timer, trace);
    }

    /** Sends a frame of this message's answer; the first one written is timed. */
    private void send(String frame) {
        boolean first = !sentOne;
        sentOne = true;
        registry.send(userId, connectionId, frame, first ? whenWritten(timer, receivedAtNanos) : null);
    }

    /**
     * What runs once the first answer is written: it holds the timer and the arrival time only, not
     * this context, so that a frame waiting in a slow client's outbox keeps its bytes alive and not
     * the message, its fields and its trace (hundreds of bytes each, times every waiting answer).
     */
    private static Runnable whenWritten(AnswerTimer timer, long receivedAtNanos) {
        return timer == AnswerTimer.NONE ? null : () -> timer.answered(System.nanoTime() - receivedAtNanos);
    }
}
