package dev.switchboard.console.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed schedule of sends, kept whatever the target does: the {@code n}th send is due
 * {@code n / perSecond} after the start, and each is handed its due time so that latency can be
 * measured from when it should have gone out (no coordinated omission). Late sends go out at once,
 * in order.
 */
final class OpenLoop {
    /** One send of the schedule. */
    interface Send {
        /**
         * @param index          0, 1, … in schedule order
         * @param scheduledNanos when it was due, on {@link System#nanoTime()}'s clock
         */
        void send(long index, long scheduledNanos);
    }

    private OpenLoop() {
    }

    /** Sends at {@code perSecond} from {@code start} until {@code until} (both {@link System#nanoTime()}); returns how many. */
    static long run(double perSecond, long start, long until, Send send) {
        double interval = 1e9 / perSecond;
        long sent = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= until) {
                return sent;
            }
            long due = (long) ((now - start) / interval);
            for (; sent < due; sent++) {
                send.send(sent, start + (long) (sent * interval));
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
