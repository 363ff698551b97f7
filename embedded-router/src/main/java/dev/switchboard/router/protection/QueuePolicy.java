package dev.switchboard.router.protection;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The dispatch queue's bounds and times to live.
 *
 * @param capacity messages queued at most, all users; past it {@code overloaded}
 * @param perUser  messages one user may have queued; past it {@code overloaded} for that user only
 * @param workers  dispatch threads
 * @param ttl      per class, how long a message may wait; older ones get {@code expired}
 */
public record QueuePolicy(int capacity, int perUser, int workers, Map<Priority, Duration> ttl) {
    public QueuePolicy {
        if (capacity < 1 || perUser < 1 || workers < 1) {
            throw new IllegalArgumentException("capacity, perUser and workers must be at least 1");
        }
        EnumMap<Priority, Duration> copy = new EnumMap<>(Priority.class);
        for (Priority priority : Priority.values()) {
            Duration duration = Objects.requireNonNull(ttl.get(priority), "ttl of " + priority.wire() + " missing");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("ttl of " + priority.wire() + " must be positive");
            }
            copy.put(priority, duration);
        }
        ttl = Map.copyOf(copy);
    }

    /** 10,000 queued, 200 per user, 2 workers; TTL critical 30 s, high 15 s, normal 10 s, low 2 s. */
    public static QueuePolicy defaults() {
        return new QueuePolicy(10_000, 200, 2, Map.of(Priority.CRITICAL, Duration.ofSeconds(30),
                Priority.HIGH, Duration.ofSeconds(15), Priority.NORMAL, Duration.ofSeconds(10),
                Priority.LOW, Duration.ofSeconds(2)));
    }

    /** A copy with one class's TTL changed. */
    public QueuePolicy withTtl(Priority priority, Duration duration) {
        EnumMap<Priority, Duration> copy = new EnumMap<>(ttl);
        copy.put(priority, duration);
        return new QueuePolicy(capacity, perUser, workers, copy);
    }
}
