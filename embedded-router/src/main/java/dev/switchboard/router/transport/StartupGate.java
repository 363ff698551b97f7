package dev.switchboard.router.transport;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Holds messages that arrive before the router is ready, in arrival order, and releases them when
 * it is: each is dispatched, or answered {@code expired} when it waited past its time to live. A
 * full gate answers {@code overloaded}. Once open, the gate costs one volatile read.
 */
final class StartupGate {
    enum Admission { PASS, HELD, FULL }

    /** A held message: what to do with it when released. */
    interface Held {
        void dispatch();

        void expire();
    }

    private record Entry(Held held, long arrivedAtMillis) {
    }

    private final Clock clock;
    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private volatile boolean open;

    StartupGate(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    Admission admit(Held held) {
        if (open) {
            return Admission.PASS;
        }
        synchronized (this) {
            if (open) {
                return Admission.PASS;
            }
            if (entries.size() >= capacity) {
                return Admission.FULL;
            }
            entries.add(new Entry(held, clock.millis()));
            return Admission.HELD;
        }
    }

    /** Releases every held message in order and lets later ones pass; returns how many were held. */
    synchronized int open(Duration ttl) {
        int released = entries.size();
        long now = clock.millis();
        for (Entry entry = entries.poll(); entry != null; entry = entries.poll()) {
            if (now - entry.arrivedAtMillis() > ttl.toMillis()) {
                entry.held().expire();
            } else {
                entry.held().dispatch();
            }
        }
        open = true;
        return released;
    }

    boolean isOpen() {
        return open;
    }
}
