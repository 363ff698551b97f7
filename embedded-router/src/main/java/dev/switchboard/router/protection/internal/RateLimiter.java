package dev.switchboard.router.protection.internal;

import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.time.ClockTimeMeter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Token buckets (Bucket4j): one per user and one per connection for ordinary messages, and one
 * per user for {@code ping}/{@code heartbeat}, so a chatty user is never cut off for pinging.
 * Limits change at runtime ({@link #update}, {@link #override}); existing buckets are
 * reconfigured in place, keeping their tokens. A user's buckets are dropped only once full again
 * (a new one would be identical), so reconnecting never resets a limit.
 */
public final class RateLimiter {
    private final Map<String, UserBuckets> byUser = new ConcurrentHashMap<>();
    private final Map<String, Bucket> byConnection = new ConcurrentHashMap<>();
    private final LongAdder rejectedUser = new LongAdder();
    private final LongAdder rejectedConnection = new LongAdder();
    private final LongAdder rejectedLiveness = new LongAdder();
    private final TimeMeter time;
    private volatile RateLimitPolicy limits;

    private record UserBuckets(Bucket messages, Bucket liveness) {
    }

    /** The outcome of one check: admitted, or refused with the wait until a token is back. */
    public record Decision(boolean admitted, long retryAfterMs) {
        static final Decision ADMITTED = new Decision(true, 0);
    }

    /** Buckets refilled by the system clock. */
    public RateLimiter(RateLimitPolicy limits) {
        this(limits, Clock.systemUTC());
    }

    /**
     * Buckets refilled as {@code clock} moves, at millisecond precision (Bucket4j's default time meter
     * reads {@code System.currentTimeMillis()} the same way).
     */
    public RateLimiter(RateLimitPolicy limits, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits must not be null");
        this.time = new ClockTimeMeter(clock);
    }

    /**
     * The tokens left now in the buckets a message of {@code userId} on {@code connectionId} takes
     * from ({@code liveness}, or {@code connection} and {@code user}), for a trace; -1 for a bucket
     * not made yet.
     */
    public java.util.Map<String, Long> tokensLeft(String userId, String connectionId, boolean livenessMessage) {
        UserBuckets buckets = byUser.get(userId);
        java.util.Map<String, Long> left = new java.util.LinkedHashMap<>();
        if (livenessMessage) {
            left.put("liveness", buckets == null ? -1 : buckets.liveness().getAvailableTokens());
        } else {
            Bucket connection = byConnection.get(connectionId);
            left.put("connection", connection == null ? -1 : connection.getAvailableTokens());
            left.put("user", buckets == null ? -1 : buckets.messages().getAvailableTokens());
        }
        return left;
    }

    /** Takes one token for a message of {@code userId} on {@code connectionId}. */
    public Decision tryAcquire(String userId, String connectionId, boolean livenessMessage) {
        UserBuckets buckets = byUser.computeIfAbsent(userId, this::newUserBuckets);
        if (livenessMessage) {
            return take(buckets.liveness(), rejectedLiveness);
        }
        Bucket connection = byConnection.computeIfAbsent(connectionId, id -> bucket(limits.connection()));
        Decision perConnection = take(connection, rejectedConnection);
        if (!perConnection.admitted()) {
            return perConnection;
        }
        Decision perUser = take(buckets.messages(), rejectedUser);
        if (!perUser.admitted()) {
            connection.addTokens(1);
        }
        return perUser;
    }

    private static Decision take(Bucket bucket, LongAdder rejected) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Decision.ADMITTED;
        }
        rejected.increment();
        return new Decision(false, Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill())));
    }

    private UserBuckets newUserBuckets(String userId) {
        return new UserBuckets(bucket(userLimits(userId)), bucket(limits.liveness()));
    }

    /** The per-user limit of {@code userId} (its override, if any), or the liveness limit. */
    public RateLimit userLimit(String userId, boolean liveness) {
        return liveness ? limits.liveness() : userLimits(userId);
    }

    /** Counts a message the user's cluster-wide bucket refused after this node's buckets admitted it. */
    public void refusedElsewhere(boolean liveness) {
        (liveness ? rejectedLiveness : rejectedUser).increment();
    }

    private RateLimit userLimits(String userId) {
        RateLimit override = limits.overrides().get(userId);
        return override != null ? override : limits.user();
    }

    private Bucket bucket(RateLimit limits) {
        return Bucket.builder().withCustomTimePrecision(time).addLimit(limit -> limit.capacity(limits.burst())
                .refillGreedy(limits.perMinute(), limits.refillPeriod())).build();
    }

    private static BucketConfiguration configuration(RateLimit limits) {
        return BucketConfiguration.builder().addLimit(limit -> limit.capacity(limits.burst())
                .refillGreedy(limits.perMinute(), limits.refillPeriod())).build();
    }

    /** Replaces the limits; existing buckets keep their tokens (capped at the new burst). */
    public synchronized void update(RateLimitPolicy newLimits) {
        this.limits = Objects.requireNonNull(newLimits, "limits must not be null");
        byUser.forEach((user, buckets) -> reconfigure(user, buckets));
        BucketConfiguration connection = configuration(newLimits.connection());
        byConnection.values().forEach(bucket -> bucket.replaceConfiguration(connection, TokensInheritanceStrategy.AS_IS));
    }

    /** Gives one user its own per-user limit; null removes the override. */
    public synchronized void override(String userId, RateLimit userLimits) {
        limits = limits.withOverride(userId, userLimits);
        UserBuckets buckets = byUser.get(userId);
        if (buckets != null) {
            reconfigure(userId, buckets);
        }
    }

    private void reconfigure(String userId, UserBuckets buckets) {
        buckets.messages().replaceConfiguration(configuration(userLimits(userId)), TokensInheritanceStrategy.AS_IS);
        buckets.liveness().replaceConfiguration(configuration(limits.liveness()), TokensInheritanceStrategy.AS_IS);
    }

    public RateLimitPolicy limits() {
        return limits;
    }

    /**
     * Empties ({@code drain}: its next messages are refused until it refills) or fills the per-user
     * message bucket of {@code userId} (made if the user has none yet).
     *
     * @return the tokens left in it
     */
    public long setUserBucket(String userId, boolean drain) {
        Bucket messages = byUser.computeIfAbsent(userId, this::newUserBuckets).messages();
        if (drain) {
            messages.tryConsumeAsMuchAsPossible();
        } else {
            messages.addTokens(userLimits(userId).burst());
        }
        return messages.getAvailableTokens();
    }

    /** Drops a closed connection's bucket. */
    public void forgetConnection(String connectionId) {
        byConnection.remove(connectionId);
    }

    /** Drops every user's buckets that are full again; returns how many users were dropped. */
    public int sweep() {
        int before = byUser.size();
        byUser.entrySet().removeIf(entry -> entry.getValue().messages().getAvailableTokens()
                >= userLimits(entry.getKey()).burst()
                && entry.getValue().liveness().getAvailableTokens() >= limits.liveness().burst());
        return before - byUser.size();
    }

    /** Users with a bucket now. */
    public int trackedUsers() {
        return byUser.size();
    }

    /** Messages refused since start, all buckets. */
    public long rejectedCount() {
        return rejectedUser.sum() + rejectedConnection.sum() + rejectedLiveness.sum();
    }

    /** Messages refused by a per-user, per-connection or liveness bucket ({@code user}, {@code connection}, {@code liveness}). */
    public long rejectedCount(String bucket) {
        switch (bucket) {
            case "user":
                return rejectedUser.sum();
            case "connection":
                return rejectedConnection.sum();
            case "liveness":
                return rejectedLiveness.sum();
            default:
                throw new IllegalArgumentException("no bucket " + bucket);
        }
    }
}
