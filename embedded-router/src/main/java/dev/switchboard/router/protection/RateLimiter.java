package dev.switchboard.router.protection;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-user token buckets (Bucket4j): one for ordinary messages and one for liveness messages, so a
 * chatty user is never cut off for pinging. A bucket is dropped only once it is full again (a new one
 * would be identical), so reconnecting never resets a limit and memory stays bounded by the users
 * active within one refill period.
 */
public final class RateLimiter {
    private final RateLimits messages;
    private final RateLimits liveness;
    private final Map<String, Buckets> byUser = new ConcurrentHashMap<>();
    private final LongAdder rejected = new LongAdder();

    private record Buckets(Bucket messages, Bucket liveness) {
    }

    /** The outcome of one check: admitted, or refused with the wait until a token is back. */
    public record Decision(boolean admitted, long retryAfterMs) {
        static final Decision ADMITTED = new Decision(true, 0);
    }

    public RateLimiter(RateLimits messages, RateLimits liveness) {
        this.messages = Objects.requireNonNull(messages, "messages must not be null");
        this.liveness = Objects.requireNonNull(liveness, "liveness must not be null");
    }

    /** Takes one token from the user's bucket for this kind of message. */
    public Decision tryAcquire(String userId, boolean livenessMessage) {
        Buckets buckets = byUser.computeIfAbsent(userId, user -> new Buckets(bucket(messages), bucket(liveness)));
        ConsumptionProbe probe = (livenessMessage ? buckets.liveness() : buckets.messages())
                .tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Decision.ADMITTED;
        }
        rejected.increment();
        long waitMs = TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill());
        return new Decision(false, Math.max(1, waitMs));
    }

    private static Bucket bucket(RateLimits limits) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(limits.burst())
                        .refillGreedy(limits.perMinute(), limits.refillPeriod()))
                .build();
    }

    /** Drops every user's buckets that are full again; returns how many users were dropped. */
    public int sweep() {
        int before = byUser.size();
        byUser.values().removeIf(buckets -> buckets.messages().getAvailableTokens() >= messages.burst()
                && buckets.liveness().getAvailableTokens() >= liveness.burst());
        return before - byUser.size();
    }

    /** Users with a bucket now. */
    public int trackedUsers() {
        return byUser.size();
    }

    /** Messages refused since start. */
    public long rejectedCount() {
        return rejected.sum();
    }

    public RateLimits messageLimits() {
        return messages;
    }

    public RateLimits livenessLimits() {
        return liveness;
    }
}
