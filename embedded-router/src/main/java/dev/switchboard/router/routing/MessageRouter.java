package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.FieldMap;
import dev.switchboard.router.time.Ticker;
import dev.switchboard.router.trace.MessageTrace;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one canonical message router: finds a message's handler by type in O(1), runs it,
 * and turns every outcome into an answer the sender can see. Thread-safe and lock-free.
 */
public final class MessageRouter {
    private static final Logger log = LoggerFactory.getLogger(MessageRouter.class);

    private final HandlerRegistry registry;
    private final RoutingStats stats;
    private final Ticker ticker;
    private volatile HandlerGuard guard = HandlerGuard.NONE;

    /** A router that times handlers by {@link Ticker#system()}. */
    public MessageRouter(HandlerRegistry registry, RoutingStats stats) {
        this(registry, stats, Ticker.system());
    }

    /** A router that times handlers (for their circuit breakers) by {@code ticker}. */
    public MessageRouter(HandlerRegistry registry, RoutingStats stats, Ticker ticker) {
        this.registry = Objects.requireNonNull(registry, "registry must not be null");
        this.stats = Objects.requireNonNull(stats, "stats must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
    }

    /** Sets the circuit breakers around handlers. */
    public void guard(HandlerGuard handlerGuard) {
        this.guard = Objects.requireNonNull(handlerGuard, "handlerGuard must not be null");
    }

    public HandlerRegistry registry() {
        return registry;
    }

    public RoutingStats stats() {
        return stats;
    }

    /** The handler step of a sampled message: which handler, its breaker's state after it, what came of it. */
    private static void traceHandler(MessageTrace trace, long startedNanos, String type, String breaker,
                                     String outcome) {
        FieldMap.Builder detail = FieldMap.builder();
        detail.put("handler", type);
        detail.put("breaker", breaker == null ? "none" : breaker);
        detail.put("outcome", outcome);
        trace.step("handler", startedNanos, detail.build());
    }

    /**
     * Routes one message. Never throws: a refused message gets its error code, an unknown type gets
     * {@code unknown_type}, and a failing handler gets {@code handler_failed} (logged, not echoed).
     */
    public void route(MessageContext context, ClientMessage message) {
        stats.countReceived();
        MessageTrace trace = context.trace();
        long traceStart = trace != null ? System.nanoTime() : 0;
        MessageHandler handler = registry.find(message.type());
        if (handler == null) {
            stats.unhandled();
            if (trace != null) {
                traceHandler(trace, traceStart, message.type(), null, "unknown_type");
            }
            context.fail(ErrorCode.UNKNOWN_TYPE, "no handler for this message type");
            context.complete();
            return;
        }
        RoutingStats.TypeStats typeStats = stats.dispatched(message.type());
        if (!guard.tryAcquire(message.type())) {
            if (trace != null) {
                traceHandler(trace, traceStart, message.type(), guard.state(message.type()), "refused by its breaker");
            }
            context.fail(ErrorCode.UNAVAILABLE, "this message type is temporarily unavailable; retry later");
            context.complete();
            return;
        }
        long startedAt = ticker.nanoTime();
        Object outcome = "ok"; // the wording only for a traced message: an unsampled one builds no string
        try {
            handler.handle(context, message);
            guard.succeeded(message.type(), ticker.nanoTime() - startedAt);
        } catch (MessageRejected rejection) {
            guard.succeeded(message.type(), ticker.nanoTime() - startedAt);
            outcome = rejection.code();
            context.fail(rejection.code(), rejection.getMessage(), rejection.details());
        } catch (Exception | LinkageError | AssertionError e) {
            guard.failed(message.type(), ticker.nanoTime() - startedAt, e);
            stats.handlerFailed(typeStats);
            outcome = e;
            log.warn("handler for type {} failed for user {} on {}", message.type(), context.userId(),
                    context.connectionId(), e);
            context.fail(ErrorCode.HANDLER_FAILED, "the handler failed; the server log has the details");
        }
        if (trace != null) {
            traceHandler(trace, traceStart, message.type(), guard.state(message.type()),
                    outcome instanceof ErrorCode code ? "refused: " + code.wire()
                            : outcome instanceof Throwable failure ? "failed: " + failure.getClass().getSimpleName()
                            : "ok");
        }
        context.complete();
    }
}
