package dev.switchboard.router.protection;

import java.time.Duration;

/**
 * One token bucket's limit: {@code burst} tokens at most, refilled at {@code perMinute} a minute.
 *
 * @param perMinute sustained messages per minute
 * @param burst     messages that may arrive at once
 */
public record RateLimit(long perMinute, long burst) {
    public RateLimit {
        if (perMinute < 1 || burst < 1) {
            throw new IllegalArgumentException("perMinute and burst must be at least 1");
        }
    }

    /** 100 a minute with bursts of 20: the default for ordinary messages. */
    public static RateLimit messageDefaults() {
        return new RateLimit(100, 20);
    }

    /** 120 a minute with bursts of 20: the default for {@code ping} and {@code heartbeat}. */
    public static RateLimit livenessDefaults() {
        return new RateLimit(120, 20);
    }

    /** The period {@link #perMinute()} refills over: one minute. */
    public Duration refillPeriod() {
        return Duration.ofMinutes(1);
    }
}
