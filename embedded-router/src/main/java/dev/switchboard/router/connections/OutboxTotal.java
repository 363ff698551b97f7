package dev.switchboard.router.connections;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bound over every connection's outbox together ({@link ConnectionLimits#totalBytes()}): each
 * outbox is bounded on its own, but a few hundred slow readers, each under its own bound, can
 * together hold more than the heap has. What an outbox holds counts its frames' payloads and the
 * objects around each ({@link Connection#heldBytes()}). The sum is taken again at most every 20 ms,
 * and only when a connection that already holds its share asks, so a router whose clients keep up
 * never takes it.
 */
final class OutboxTotal {
    private static final long SUM_EVERY_NANOS = 20_000_000L;

    private final long limit;
    private final Collection<Connection> connections;
    private final AtomicLong summedAt = new AtomicLong(System.nanoTime() - SUM_EVERY_NANOS);
    private final LongAdder closed = new LongAdder();
    private volatile long sum;

    OutboxTotal(long limit, Collection<Connection> connections) {
        this.limit = limit;
        this.connections = connections;
    }

    /** Whether the outboxes together held more than the bound when last summed. */
    boolean over() {
        if (limit == Long.MAX_VALUE) {
            return false;
        }
        long now = System.nanoTime();
        long at = summedAt.get();
        if (now - at >= SUM_EVERY_NANOS && summedAt.compareAndSet(at, now)) {
            long bytes = 0;
            for (Connection connection : connections) {
                bytes += connection.heldBytes();
            }
            sum = bytes;
        }
        return sum > limit;
    }

    /** Counts a connection closed because the outboxes together were over the bound. */
    void closedOne() {
        closed.increment();
    }

    long closed() {
        return closed.sum();
    }
}
