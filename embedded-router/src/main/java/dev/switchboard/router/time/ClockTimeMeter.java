package dev.switchboard.router.time;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.util.Objects;

/**
 * Bucket4j's time read from a {@link Clock}, at millisecond precision (its default meter reads
 * {@code System.currentTimeMillis()} the same way), so that a test's clock refills the buckets.
 */
public final class ClockTimeMeter implements TimeMeter {
    private final Clock clock;

    public ClockTimeMeter(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public long currentTimeNanos() {
        return clock.millis() * 1_000_000L;
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
