package dev.switchboard.router.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Carries events to other nodes on a thread of its own: the emitting thread only queues (never
 * waits on Redis), and what queued while the previous batch was being sent goes out together, one
 * publish per target node carrying all of that node's events in order. Idle, an event goes out
 * alone at once; under load, batches grow and the cost per event falls. The queue is bounded: an
 * event that finds it full is counted as undelivered, never waited for.
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

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Publisher publisher;
    private final Runnable refused;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param publisher sends a node's share of a batch
     * @param refused   counts an event the full queue refused
     */
    Forwarder(Publisher publisher, Runnable refused) {
        this.publisher = publisher;
        this.refused = refused;
        this.thread = new Thread(this::run, "switchboard-cluster-forward");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues an event for {@code userId}'s connections on {@code node}; never blocks. */
    void forward(String node, String userId, String frame) {
        if (closed || !queue.offer(new Item(node, userId, frame))) {
            refused.run();
        }
    }

    private void run() {
        List<Item> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                Item first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a failed publish is counted by the publisher; nothing here may end the thread
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<Item> batch) {
        Map<String, StringBuilder> byNode = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Item item : batch) {
            NodeMessages.appendDelivery(byNode.computeIfAbsent(item.node(), node -> NodeMessages.deliveries()),
                    item.userId(), item.frame());
            counts.merge(item.node(), 1, Integer::sum);
        }
        byNode.forEach((node, text) -> publisher.publish(node, counts.get(node), text.toString()));
    }

    /** Events waiting now. */
    int queued() {
        return queue.size();
    }

    /** Stops the thread; what is still queued is dropped (the node is leaving). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
