package dev.switchboard.router.transport;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One accepted socket's place in the server's counts: pending until it upgrades, then a connection
 * until it closes. Every transition happens once, whichever thread gets there first.
 */
final class SocketSlot {
    private final AtomicInteger pending;
    private final AtomicInteger open;
    private final int maxOpen;
    private final AtomicBoolean isPending = new AtomicBoolean(true);
    private final AtomicBoolean isOpen = new AtomicBoolean();
    private final long acceptedAtNanos = System.nanoTime();

    SocketSlot(AtomicInteger pending, AtomicInteger open, int maxOpen) {
        this.pending = pending;
        this.open = open;
        this.maxOpen = maxOpen;
        pending.incrementAndGet();
    }

    /** Takes a connection place if one is free; false when the server is at its connection limit. */
    boolean reserve() {
        while (true) {
            int now = open.get();
            if (now >= maxOpen) {
                return false;
            }
            if (open.compareAndSet(now, now + 1)) {
                isOpen.set(true);
                return true;
            }
        }
    }

    /** Takes the socket out of the pending count to close it; false when it upgraded or went first. */
    boolean evict() {
        if (isPending.compareAndSet(true, false)) {
            pending.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Whether the socket is still handshaking. */
    boolean isPending() {
        return isPending.get();
    }

    /** The socket is a WebSocket now: no longer pending. */
    /** When the socket was accepted ({@link System#nanoTime()}). */
    long acceptedAtNanos() {
        return acceptedAtNanos;
    }

    void upgraded() {
        if (isPending.compareAndSet(true, false)) {
            pending.decrementAndGet();
        }
    }

    /** Gives back a reserved connection place that is not needed after all (the handshake was refused). */
    void unreserve() {
        if (isOpen.compareAndSet(true, false)) {
            open.decrementAndGet();
        }
    }

    /** The socket is gone: gives back whatever it held. */
    void release() {
        upgraded();
        unreserve();
    }
}
