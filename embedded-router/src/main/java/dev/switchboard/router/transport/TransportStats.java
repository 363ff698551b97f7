package dev.switchboard.router.transport;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the transport refused or closed, by reason. Reasons are a small fixed vocabulary. Protocol
 * errors are logged as one WARN line at most every 10 seconds, with how many were not logged.
 */
public final class TransportStats {
    private static final Logger log = LoggerFactory.getLogger(TransportStats.class);
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final Map<String, LongAdder> handshakesRejected = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();
    private final LongAdder socketsRefused = new LongAdder();
    private final LongAdder acceptFailures = new LongAdder();
    private final LongAdder protocolErrors = new LongAdder();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final LongAdder notLogged = new LongAdder();

    void handshakeRejected(String reason) {
        handshakesRejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void closed(int code) {
        closesByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void socketRefused() {
        socketsRefused.increment();
    }

    void acceptFailed() {
        acceptFailures.increment();
    }

    void protocolError(int code, String message) {
        protocolErrors.increment();
        warnRarely("closing a connection with {}: {}", code, message);
    }

    void unexpected(Throwable cause) {
        warnRarely("closing a connection with 1011 after an unexpected error: {}", 1011, cause.toString());
    }

    private void warnRarely(String format, int code, String message) {
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
            long skipped = notLogged.sumThenReset();
            log.warn(format + (skipped > 0 ? " (and " + skipped + " more like it since the last report)" : ""),
                    code, message);
        } else {
            notLogged.increment();
        }
    }

    /** Handshakes refused, by reason ({@code missing}, {@code invalid}, {@code expired}, …). */
    public Map<String, Long> handshakesRejected() {
        Map<String, Long> copy = new TreeMap<>();
        handshakesRejected.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    /** Handshakes refused for one reason. */
    public long handshakesRejected(String reason) {
        LongAdder count = handshakesRejected.get(reason);
        return count == null ? 0 : count.sum();
    }

    /** Connections closed with one close code (by either side; 1006 when the socket just went away). */
    public long closes(int code) {
        LongAdder count = closesByCode.get(code);
        return count == null ? 0 : count.sum();
    }

    /** Sockets closed on accept because the server was stopping. */
    public long socketsRefused() {
        return socketsRefused.sum();
    }

    /** Accepts that failed (out of file descriptors, mostly). */
    public long acceptFailures() {
        return acceptFailures.sum();
    }

    /** Connections closed for breaking RFC 6455 (unmasked, bad UTF-8, too large, bad close frame). */
    public long protocolErrors() {
        return protocolErrors.sum();
    }
}
