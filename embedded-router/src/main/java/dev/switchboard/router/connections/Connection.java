package dev.switchboard.router.connections;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One open client connection: who it belongs to, what it has done, and its bounded outbox.
 * Created and owned by {@link ConnectionRegistry}; only the registry sends through it.
 */
public final class Connection {
    /**
     * Heap a frame waiting in an outbox holds besides its payload: its pooled buffer (80 bytes), the
     * WebSocket frame (24), its reference count (16) and the callbacks that write it and, for a reply,
     * time it (56), as a class histogram of a router with 440,000 waiting frames counted them.
     */
    static final int FRAME_OBJECT_BYTES = 176;
    private final String id;
    private final String userId;
    private final String remoteAddress;
    private final Instant connectedAt;
    private final ConnectionSink sink;
    private final ConnectionLimits limits;
    private final Executor closer;
    private final OutboxTotal total;
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile long lastActivityMillis;
    private volatile String threadId;
    /** Frames the outbox holds before the connection is closed with 1013 (an operator may lower it). */
    private volatile int outboxFrames;
    private volatile ConnectionClose ended;

    Connection(String id, String userId, String remoteAddress, Instant connectedAt, ConnectionSink sink,
               ConnectionLimits limits, Executor closer, OutboxTotal total) {
        this.id = Objects.requireNonNull(id, "id must not be null");
        this.userId = Objects.requireNonNull(userId, "userId must not be null");
        this.remoteAddress = remoteAddress;
        this.connectedAt = connectedAt;
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        this.limits = limits;
        this.outboxFrames = limits.outboxFrames();
        this.closer = closer;
        this.total = total;
        this.lastActivityMillis = connectedAt.toEpochMilli();
    }

    /** Bounds the outbox to {@code frames} frames from now on. */
    void outboxFrames(int frames) {
        this.outboxFrames = frames;
    }

    public String id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    /** Records an incoming frame at {@code nowMillis}. */
    public void received(long nowMillis) {
        messagesIn.increment();
        lastActivityMillis = nowMillis;
    }

    /** Remembers the conversation thread last used on this connection. */
    public void thread(String threadId) {
        if (threadId != null) {
            this.threadId = threadId;
        }
    }

    long lastActivityMillis() {
        return lastActivityMillis;
    }

    /**
     * Queues a frame unless the outbox is full, in frames or in bytes. A full outbox closes the
     * connection with 1013 once: a client that cannot keep up is cut off rather than allowed to grow
     * the server's memory.
     *
     * @return true when queued; false when refused (full, or the connection is closing)
     */
    boolean offer(String frame) {
        return offer(frame, null);
    }

    /**
     * Heap this connection's outbox holds: the payload of every frame the socket has not taken yet
     * and the objects around each ({@link #FRAME_OBJECT_BYTES}), so that a bound over many outboxes
     * of tiny frames bounds the heap they take, not only their payloads' part of it.
     */
    long heldBytes() {
        return sink.pendingBytes() + (long) sink.pendingFrames() * FRAME_OBJECT_BYTES;
    }

    /** The thread that writes this connection's frames, or null (see {@link ConnectionSink#writer()}). */
    java.util.concurrent.Executor writer() {
        return closing.get() ? null : sink.writer();
    }

    /** As {@link #offer(String)}, running {@code written} (when not null) once the socket took the frame. */
    boolean offer(String frame, Runnable written) {
        if (closing.get()) {
            return false;
        }
        if (sink.pendingFrames() >= outboxFrames || sink.pendingBytes() >= limits.outboxBytes()) {
            close(CloseCodes.TRY_AGAIN_LATER, "outbound queue overflow");
            return false;
        }
        if (heldBytes() >= limits.shareOfTotal() && total.over()) {
            // every outbox together is over the router's bound, and this one holds its share of it or more
            if (close(CloseCodes.TRY_AGAIN_LATER, "outbound queues over the router's total")) {
                total.closedOne();
            }
            return false;
        }
        if (written == null) {
            sink.send(frame);
        } else {
            sink.send(frame, written);
        }
        messagesOut.increment();
        return true;
    }

    /**
     * Closes the connection once: from now on it refuses frames, and the socket is closed on the
     * registry's closer thread, never on the caller's. A caller may hold a run's lock (the outbox
     * overflowed while a run emitted); closing the socket there would take the socket's lock under
     * the run's, the reverse of the order the transport's close callback uses.
     *
     * @return whether this call closed it
     */
    boolean close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        closer.execute(() -> sink.close(code, reason));
        return true;
    }

    /** Records how the connection ended (the transport calls it once, before the registry forgets it). */
    public void ended(ConnectionClose close) {
        this.ended = close;
    }

    /** A read-only copy of this connection's state. */
    public ConnectionInfo info() {
        return new ConnectionInfo(id, userId, remoteAddress, threadId, connectedAt,
                Instant.ofEpochMilli(lastActivityMillis), messagesIn.sum(), messagesOut.sum(), ended);
    }
}
