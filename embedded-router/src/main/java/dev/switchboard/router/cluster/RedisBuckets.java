package dev.switchboard.router.cluster;

import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.SharedLimits;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Per-user token buckets in Redis, through Bucket4j's Lettuce proxy manager (compare-and-swap on
 * one key per bucket, expiring once the bucket would be full again). Asynchronous only: a message
 * waits for the answer, never a thread.
 *
 * <p>Each bucket's proxy is kept while it is used, with Bucket4j's batching: messages of one user
 * that arrive while that user's compare-and-swap is in flight wait for it and then go to Redis
 * together, as one more. Without it, a burst of n messages is n concurrent compare-and-swaps of
 * which one wins per round, about n²/2 round trips to Redis for one user's burst.
 */
final class RedisBuckets implements SharedLimits {
    /** How long a message waits for Redis before this node's own buckets decide alone. */
    static final Duration ANSWER_WITHIN = Duration.ofMillis(250);
    /** A bucket's proxy unused this long is dropped (its tokens live in Redis: the next message builds another). */
    static final Duration KEEP_IDLE = Duration.ofSeconds(30);

    /** A bucket's proxy and when a message last used it (on the {@code nanoTime} clock). */
    private static final class Proxy {
        final AsyncBucketProxy bucket;
        volatile long usedAt;

        Proxy(AsyncBucketProxy bucket) {
            this.bucket = bucket;
        }
    }

    private final AsyncProxyManager<String> buckets;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final BooleanSupplier redisUp;
    private final LongAdder unanswered = new LongAdder();
    /** One configuration per limit (a handful): built once, not per message. */
    private final Map<RateLimit, BucketConfiguration> configurations = new ConcurrentHashMap<>();
    private final Map<String, Proxy> proxies = new ConcurrentHashMap<>();
    private final long keepIdleNanos;
    /** {@link System#nanoTime()}, or a test's clock. */
    private final LongSupplier nanoTime;
    private final AtomicLong nextSweep;

    RedisBuckets(StatefulRedisConnection<String, byte[]> connection, BooleanSupplier redisUp) {
        this(connection, redisUp, KEEP_IDLE, System::nanoTime);
    }

    /**
     * @param keepIdle how long the proxy of a bucket no message uses is kept
     * @param nanoTime the clock that idleness is measured on
     */
    RedisBuckets(StatefulRedisConnection<String, byte[]> connection, BooleanSupplier redisUp, Duration keepIdle,
                 LongSupplier nanoTime) {
        this.keepIdleNanos = keepIdle.toNanos();
        this.nanoTime = nanoTime;
        this.nextSweep = new AtomicLong(nanoTime.getAsLong() + keepIdleNanos);
        this.connection = connection;
        this.redisUp = redisUp;
        this.buckets = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build().asAsync();
    }

    @Override
    public boolean available() {
        return redisUp.getAsBoolean() && connection.isOpen();
    }

    @Override
    public CompletionStage<Long> take(String key, RateLimit limit) {
        BucketConfiguration configuration = configurations.computeIfAbsent(limit, shared -> BucketConfiguration
                .builder().addLimit(bandwidth -> bandwidth.capacity(shared.burst())
                        .refillGreedy(shared.perMinute(), shared.refillPeriod())).build());
        long now = nanoTime.getAsLong();
        Proxy proxy = proxies.computeIfAbsent(key, bucket -> new Proxy(buckets.builder()
                .withOptimization(Optimizations.batching())
                .build(ClusterKeys.bucket(bucket), () -> CompletableFuture.completedFuture(configuration))));
        proxy.usedAt = now;
        sweep(now);
        CompletableFuture<Long> answer = proxy.bucket.tryConsumeAndReturnRemaining(1)
                .thenApply(probe -> probe.isConsumed() ? 0L
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(probe.getNanosToWaitForRefill())))
                .orTimeout(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((ignored, failure) -> {
            if (failure != null) {
                unanswered.increment();
            }
        });
        return answer;
    }

    /** Drops the proxies of buckets no message used for a while (at most once per idle period, by one caller). */
    private void sweep(long now) {
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + keepIdleNanos)) {
            proxies.values().removeIf(proxy -> now - proxy.usedAt > keepIdleNanos);
        }
    }

    /** Bucket proxies kept now. */
    int proxies() {
        return proxies.size();
    }

    /** Messages whose check Redis did not answer in time (this node's buckets decided alone). */
    long unanswered() {
        return unanswered.sum();
    }
}
