package dev.switchboard.router.transport;

import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protection.DispatchQueue;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.FieldMap;
import dev.switchboard.router.protocol.MessageType;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.MessageRouter;
import dev.switchboard.router.trace.MessageTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last protection stage and the hand-off off the WebSocket threads: admitted messages wait in
 * the {@link DispatchQueue} (by class, fair across users, with TTLs) and dispatch workers route
 * them. Starts paused: messages that arrive while the router starts are held, not lost.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private record Job(MessageContext context, ClientMessage message, long receivedAtNanos) {
    }

    private final DispatchQueue<Job> queue;
    private final MessageRouter messageRouter;
    private final LongConsumer routingLatencyNanos;
    private final LongConsumer queueWaitNanos;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param policy              queue bounds, TTLs and worker count
     * @param messageRouter       where messages go
     * @param routingLatencyNanos receives receipt-to-handled time per message
     * @param queueWaitNanos      receives each message's wait in the queue
     */
    public Dispatcher(QueuePolicy policy, MessageRouter messageRouter, LongConsumer routingLatencyNanos,
                      LongConsumer queueWaitNanos) {
        this.queue = new DispatchQueue<>(policy, System::nanoTime, true);
        this.messageRouter = messageRouter;
        this.routingLatencyNanos = routingLatencyNanos;
        this.queueWaitNanos = queueWaitNanos;
        for (int i = 1; i <= policy.workers(); i++) {
            Thread worker = new Thread(this::work, "switchboard-dispatch-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
    }

    public DispatchQueue<?> queue() {
        return queue;
    }

    void start() {
        workers.forEach(Thread::start);
    }

    /**
     * Queues an admitted message, or answers {@code overloaded} when there is no room. A liveness
     * message ({@code ping}, {@code heartbeat}) served by its built-in handler is handled on the
     * calling thread instead when nothing of its user's is queued or being handled: its handler
     * answers at once and never blocks, and the hand-off to a worker would cost more than it does.
     */
    void submit(MessageContext context, ClientMessage message, Classification classification, long receivedAtNanos) {
        if (MessageType.LIVENESS.contains(message.type()) && messageRouter.registry().servesBuiltIn(message.type())
                && queue.tryHandleNow(context.userId())) {
            handleNow(context, message, receivedAtNanos);
            return;
        }
        MessageTrace trace = context.trace();
        if (trace == null) {
            refuse(context, queue.offer(new Job(context, message, receivedAtNanos), context.userId(),
                    classification.priority()));
            return;
        }
        long start = System.nanoTime();
        int depth = queue.depth(classification.priority());
        DispatchQueue.Offer offer = queue.offer(new Job(context, message, receivedAtNanos), context.userId(),
                classification.priority());
        FieldMap.Builder detail = FieldMap.builder();
        detail.put("class", classification.priority().wire());
        detail.put("depth", depth);
        detail.put("offer", offer.name().toLowerCase(java.util.Locale.ROOT));
        trace.step("enqueued", start, detail.build());
        refuse(context, offer);
        if (offer != DispatchQueue.Offer.QUEUED) {
            trace.done();
        }
    }

    private void handleNow(MessageContext context, ClientMessage message, long receivedAtNanos) {
        MessageTrace trace = context.trace();
        try {
            if (trace != null) {
                trace.step("handled_now", System.nanoTime(), Map.of("thread", Thread.currentThread().getName()));
            }
            messageRouter.route(context, message);
            routingLatencyNanos.accept(System.nanoTime() - receivedAtNanos);
        } catch (RuntimeException e) {
            log.error("a {} message failed", message.type(), e);
        } finally {
            queue.done(context.userId());
            if (trace != null) {
                trace.done();
            }
        }
    }

    /** Answers a message the dispatch queue did not take ({@code QUEUED}: nothing to say). */
    static void refuse(MessageContext context, DispatchQueue.Offer offer) {
        switch (offer) {
            case QUEUED -> { }
            case USER_FULL -> context.fail(ErrorCode.OVERLOADED, "too many of your messages are waiting; retry later",
                    Map.of("retry_after_ms", 1000));
            case FULL -> context.fail(ErrorCode.OVERLOADED, "the router is busy; retry later",
                    Map.of("retry_after_ms", 1000));
            case CLOSED -> context.fail(ErrorCode.UNAVAILABLE, "the router is shutting down");
        }
    }

    /** Starts handing out messages (held ones first, oldest first within each class). */
    public void resume() {
        queue.resume();
    }

    private void work() {
        while (true) {
            DispatchQueue.Taken<Job> taken;
            try {
                taken = queue.take(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (taken == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            Job job = taken.value();
            MessageTrace trace = job.context().trace();
            try {
                queueWaitNanos.accept(taken.waitedNanos());
                if (trace != null) {
                    FieldMap.Builder detail = FieldMap.builder();
                    detail.put("waited_ms", Math.round(taken.waitedNanos() / 1e3) / 1e3);
                    detail.put("expired", taken.expired());
                    detail.put("worker", Thread.currentThread().getName());
                    trace.step("dequeued", System.nanoTime() - taken.waitedNanos(), detail.build());
                }
                if (taken.expired()) {
                    job.context().fail(ErrorCode.EXPIRED, "the message waited longer than its "
                            + taken.priority().wire() + " time to live");
                } else {
                    messageRouter.route(job.context(), job.message());
                }
                routingLatencyNanos.accept(System.nanoTime() - job.receivedAtNanos());
            } catch (RuntimeException e) {
                log.error("dispatch of a {} message failed", job.message().type(), e);
            } finally {
                queue.done(taken.userId());
                if (trace != null) {
                    trace.done();
                }
            }
        }
    }

    /** Stops the workers; messages still queued are answered {@code unavailable}. */
    void stop() {
        closed = true;
        queue.close();
        for (Job job : queue.drain()) {
            job.context().fail(ErrorCode.UNAVAILABLE, "the router is shutting down");
        }
        for (Thread worker : workers) {
            try {
                worker.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
