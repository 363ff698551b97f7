package dev.switchboard.router.transport;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the transport refused or closed, by reason. Reasons are a small fixed vocabulary. */
public final class TransportStats {
    private final Map<String, LongAdder> handshakesRejected = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closesByCode = new ConcurrentHashMap<>();

    void handshakeRejected(String reason) {
        handshakesRejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void closed(int code) {
        closesByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
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

    /** Connections closed with one close code. */
    public long closes(int code) {
        LongAdder count = closesByCode.get(code);
        return count == null ? 0 : count.sum();
    }
}
