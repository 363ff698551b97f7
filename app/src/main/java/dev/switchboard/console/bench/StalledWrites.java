package dev.switchboard.console.bench;

import java.nio.channels.SelectionKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.server.WebSocketServer;

/**
 * Rescues the frames Java-WebSocket's server (1.6.0) can leave queued for good. Its selector thread,
 * once it has written every frame a connection had queued, sets the connection's interest back to
 * reading alone ({@code doWrite}); a frame another thread queues between those two steps asks for
 * writing ({@code onWriteDemand}) just before the selector takes that away, and waits until the
 * connection's next send. A client waiting for that frame before it sends again waits for ever: the
 * bench's baselines send from their own threads (a Java-WebSocket worker, the relay's HTTP thread),
 * and on these shared cores the selector thread is often descheduled between the two steps.
 *
 * <p>Every millisecond it looks at the connections sent to since they were last seen with nothing
 * queued. One that still holds queued frames and does not ask to write, in two looks in a row (a
 * send between queueing its frame and asking for writing is seen once), is asked to write again and
 * counted. A rescued frame waits 1–2 ms more than it would have without the race; the count says how
 * often the baseline paid that (a sender descheduled for a whole look between queueing a frame and
 * asking to write would be counted too: its frame was as late).
 */
final class StalledWrites implements AutoCloseable {
    private static final long PERIOD_MICROS = 1_000;

    private final WebSocketServer server;
    private final Set<WebSocketImpl> watched = ConcurrentHashMap.newKeySet();
    /** Connections seen stalled once, with the look that saw them; only the watcher thread touches it. */
    private final Map<WebSocketImpl, Long> suspects = new HashMap<>();
    private final AtomicLong rescued = new AtomicLong();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "echo-stalled-writes");
        thread.setDaemon(true);
        return thread;
    });
    private volatile LongConsumer onRescue = count -> { };
    private long look;

    StalledWrites(WebSocketServer server) {
        this.server = server;
        watcher.scheduleWithFixedDelay(this::lookOnce, PERIOD_MICROS, PERIOD_MICROS, TimeUnit.MICROSECONDS);
    }

    /** Call after each send to {@code connection} from a thread of one's own. */
    void sent(WebSocket connection) {
        watched.add((WebSocketImpl) connection);
    }

    /** Called on the watcher's thread with the count so far after each rescue. */
    void onRescue(LongConsumer onRescue) {
        this.onRescue = onRescue;
    }

    /** Stalled sends rescued so far. */
    long rescued() {
        return rescued.get();
    }

    private void lookOnce() {
        look++;
        for (WebSocketImpl connection : watched) {
            if (!connection.hasBufferedData()) {
                // removed before it is looked at again, so a send after the look re-adds it
                watched.remove(connection);
                suspects.remove(connection);
                if (!connection.hasBufferedData()) {
                    continue;
                }
                watched.add(connection);
            }
            SelectionKey key = connection.getSelectionKey();
            if (key == null || !key.isValid() || (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                suspects.remove(connection);
                continue;
            }
            Long seen = suspects.putIfAbsent(connection, look);
            if (seen != null && seen < look) {
                suspects.remove(connection);
                server.onWriteDemand(connection);
                onRescue.accept(rescued.incrementAndGet());
            }
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
