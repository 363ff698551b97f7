package dev.switchboard.router.time;

/**
 * A source of nanosecond ticks for measuring elapsed time: {@link System#nanoTime()} in production, a
 * hand-moved value in tests. Only differences between two ticks mean anything.
 */
@FunctionalInterface
public interface Ticker {

    /** The current tick, in nanoseconds from an arbitrary origin. */
    long nanoTime();

    /** The JVM's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
