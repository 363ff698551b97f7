package dev.switchboard.router.monitor;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the console (or any tool) watches: a snapshot, then updates at most 10 times a second,
 * each carrying fresh aggregates and the events since the previous one. The embedded feed (this
 * router's {@link MonitorHub}) and the remote one ({@code ws://host:port/monitor}) deliver the same
 * JSON documents, described in {@code src/docs/protocol.md}.
 */
public interface RouterFeed {

    /** A {@code monitor_snapshot} document. */
    ObjectNode snapshot();

    /**
     * Starts delivering {@code monitor_update} documents to {@code listener}, on the feed's own
     * thread, never more often than every 100 ms.
     */
    Subscription subscribe(Listener listener);

    /** Receives updates. */
    @FunctionalInterface
    interface Listener {
        void update(ObjectNode update);
    }

    /** Stops the deliveries. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
