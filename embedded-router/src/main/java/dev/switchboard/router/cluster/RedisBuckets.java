package dev.switchboard.router.cluster;

import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.SharedLimits;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Per-user token buckets in Redis, through Bucket4j's Lettuce proxy manager (compare-and-swap on
 * one key per bucket, expiring once the bucket would be full again). Asynchronous only: a message
 * waits for the answer, never a thread.
 */
final class RedisBuckets implements SharedLimits {
    /** How long a message waits for Redis before this node's own buckets decide alone. */
    static final Duration ANSWER_WITHIN = Duration.ofMillis(250);

    private final AsyncProxyManager<String> buckets;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final BooleanSupplier redisUp;
    private final LongAdder unanswered = new LongAdder();
    /** One configuration per limit (a handful): built once, not per message. */
    private final Map<RateLimit, BucketConfiguration> configurations = new ConcurrentHashMap<>();

    RedisBuckets(StatefulRedisConnection<String, byte[]> connection, BooleanSupplier redisUp) {
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
        CompletableFuture<Long> answer = buckets.builder()
                .build(ClusterKeys.bucket(key), () -> CompletableFuture.completedFuture(configuration))
                .tryConsumeAndReturnRemaining(1)
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

    /** Checks Redis did not answer in time (this node's buckets decided alone). */
    long unanswered() {
        return unanswered.sum();
    }
}
