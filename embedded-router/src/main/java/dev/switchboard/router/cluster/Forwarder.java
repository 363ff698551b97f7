package dev.switchboard.router.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries events to other nodes: the emitting thread only queues (never waits on Redis), and a drain
 * on the publishing connection's own I/O thread sends what queued, one publish per target node
 * carrying all of that node's events in order. Running there, a publish is written to the socket at
 * once instead of being handed over to that thread once more. Idle, an event goes out alone at once;
 * under load, what queued while the thread was busy goes out together and the cost per event falls.
 * The queue is bounded: an event that finds it full is counted as undelivered, never waited for.
 */
final class Forwarder implements AutoCloseable {
    /** Events waiting to be sent, at most. */
    static final int MAX_QUEUED = 100_000;
    /** Events in one batch, at most. */
    static final int MAX_BATCH = 512;

    /** Sends one node's share of a batch: its events, in the order they were queued. */
    @FunctionalInterface
    interface Publisher {
        /**
         * @param node   the target node
         * @param events how many events the message carries
         * @param text   the message ({@link NodeMessages#deliveries})
         */
        void publish(String node, int events, String text);
    }

    private record Item(String node, String userId, String frame) {
    }

    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Whether a drain is queued on the executor and has not started taking events yet. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The batch being made (drains run one at a time, on the executor). */
    private final List<Item> batch = new ArrayList<>(MAX_BATCH);
    private final Publisher publisher;
    private final Executor executor;
    private final Runnable refused;
    private volatile boolean closed;

    /**
     * @param publisher sends a node's share of a batch
     * @param executor  runs the drains, one at a time and in order (the publishing connection's I/O thread)
     * @param refused   counts an event the full queue refused
     */
    Forwarder(Publisher publisher, Executor executor, Runnable refused) {
        this.publisher = publisher;
        this.executor = executor;
        this.refused = refused;
    }

    /** Queues an event for {@code userId}'s connections on {@code node}; never blocks. */
    void forward(String node, String userId, String frame) {
        if (closed) {
            refused.run();
            return;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            refused.run();
            return;
        }
        queue.add(new Item(node, userId, frame));
        schedule();
    }

    private void schedule() {
        if (scheduled.getAndSet(true)) {
            return; // a drain that has not started yet takes this event too
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // the I/O thread is stopping (the node is leaving): what is queued stays unsent
            scheduled.set(false);
        }
    }

    private void drain() {
        // cleared before taking: an event queued from here on schedules the next drain
        scheduled.set(false);
        try {
            Item item;
            while (batch.size() < MAX_BATCH && (item = queue.poll()) != null) {
                batch.add(item);
            }
            queued.addAndGet(-batch.size());
            if (!closed && !batch.isEmpty()) {
                send(batch);
            }
        } catch (RuntimeException e) {
            // a failed publish is counted by the publisher; the next drain goes on
        } finally {
            batch.clear();
        }
        if (!queue.isEmpty() && !closed) {
            schedule(); // more than a batch was waiting: the rest goes next, after the thread's other work
        }
    }

    private void send(List<Item> items) {
        Map<String, StringBuilder> byNode = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Item item : items) {
            NodeMessages.appendDelivery(byNode.computeIfAbsent(item.node(), node -> NodeMessages.deliveries()),
                    item.userId(), item.frame());
            counts.merge(item.node(), 1, Integer::sum);
        }
        byNode.forEach((node, text) -> publisher.publish(node, counts.get(node), text.toString()));
    }

    /** Events waiting now. */
    int queued() {
        return queued.get();
    }

    /** Stops sending; what is still queued is dropped (the node is leaving). */
    @Override
    public void close() {
        closed = true;
    }
}
