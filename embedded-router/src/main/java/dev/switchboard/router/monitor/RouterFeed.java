package dev.switchboard.router.monitor;

import dev.switchboard.router.monitor.wire.ConnectionPage;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;

/**
 * What the console (or any tool) watches: a snapshot, then updates at most 10 times a second,
 * each carrying fresh aggregates and the events since the previous one. The embedded feed (this
 * router's {@link MonitorHub}) and the remote one ({@code ws://host:port/monitor}) deliver the same
 * records ({@link dev.switchboard.router.monitor.wire}), the remote one as their JSON, described in
 * {@code src/docs/protocol.md}.
 */
public interface RouterFeed {

    /** A {@code monitor_snapshot}, built now (on the caller's thread: never call it on an I/O thread). */
    MonitorSnapshot snapshot();

    /**
     * One page of the open connections whose user id contains {@code filter} (all when empty), in
     * order of user id then connection id (on the caller's thread, like {@link #snapshot()}).
     */
    ConnectionPage connections(int offset, int limit, String filter);

    /**
     * Starts delivering {@code monitor_update}s to {@code listener}, on the feed's own thread, never
     * more often than every 100 ms.
     */
    Subscription subscribe(Listener listener);

    /** Receives updates. */
    @FunctionalInterface
    interface Listener {
        void update(MonitorUpdate update);
    }

    /** Stops the deliveries. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
