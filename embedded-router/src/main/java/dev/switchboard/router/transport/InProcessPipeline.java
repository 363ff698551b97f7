package dev.switchboard.router.transport;

import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.protection.DispatchQueue;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.routing.MessageRouter;
import dev.switchboard.router.trace.MessageTrace;
import dev.switchboard.router.trace.Tracer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The router's whole inbound path with no socket, on the calling thread: the soft size limit,
 * decoding, validation, classification, rate limits (the router's own, shared with its sockets), a
 * dispatch queue with the router's policy, the handler, and the encoded reply. The same code as
 * the socket server's ({@link FrameIntake}, {@link MessageRouter}); what it leaves out is the
 * transport (frames, selector, outboxes) and the monitor feed. For benchmarks: what the pipeline
 * costs per message.
 */
public final class InProcessPipeline {
    private final FrameIntake admission;
    private final MessageRouter messageRouter;
    private final JsonCodec codec;
    private final DispatchQueue<FrameIntake.Admitted> queue;
    private final SocketMessageContext.FrameSink sink;
    private Tracer tracer = Tracer.OFF;

    /**
     * @param replies receives every frame the pipeline would have sent to the connection
     */
    public InProcessPipeline(JsonCodec codec, Protection protection, MessageRouter messageRouter, QueuePolicy policy,
                             int softFrameLimit, Consumer<String> replies) {
        Objects.requireNonNull(replies, "replies must not be null");
        this.admission = new FrameIntake(codec, protection, softFrameLimit);
        this.messageRouter = messageRouter;
        this.codec = codec;
        this.queue = new DispatchQueue<>(policy, System::nanoTime, false);
        this.sink = (userId, connectionId, frame, written) -> replies.accept(frame);
    }

    /** Samples and keeps traces as the router's sockets do ({@code trace.sample}); off by default. */
    public InProcessPipeline tracer(Tracer messageTracer) {
        this.tracer = Objects.requireNonNull(messageTracer, "messageTracer must not be null");
        return this;
    }

    /** Runs one text frame from {@code userId} on {@code connectionId} through the pipeline. */
    public void accept(String userId, String connectionId, String text) {
        MessageTrace trace = tracer.start(userId, connectionId, text.length(), System.nanoTime());
        FrameIntake.Admitted admitted = admission.admit(userId, connectionId, text,
                (message, rpcCode) -> new SocketMessageContext(sink, codec, messageRouter.stats(), TrafficListener.NONE,
                        userId, connectionId, message, rpcCode, 0, SocketMessageContext.AnswerTimer.NONE, trace),
                trace);
        if (admitted == null) {
            done(trace);
            return;
        }
        DispatchQueue.Offer offer = queue.offer(admitted, userId, admitted.classification().priority());
        if (offer != DispatchQueue.Offer.QUEUED) {
            Dispatcher.refuse(admitted.context(), offer);
            done(trace);
            return;
        }
        DispatchQueue.Taken<FrameIntake.Admitted> taken;
        try {
            taken = queue.take(0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (taken == null) {
            return;
        }
        try {
            if (taken.expired()) {
                taken.value().context().fail(ErrorCode.EXPIRED, "the message waited longer than its time to live");
            } else {
                messageRouter.route(taken.value().context(), taken.value().message());
            }
        } finally {
            queue.done(taken.userId());
            done(trace);
        }
    }

    private static void done(MessageTrace trace) {
        if (trace != null) {
            trace.done();
        }
    }
}
