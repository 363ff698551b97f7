package dev.switchboard.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.support.EmbeddedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisBucketsTest {
    @RegisterExtension
    static final EmbeddedRedis.PerClass REDIS = new EmbeddedRedis.PerClass();

    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> connection;
    private StatefulRedisConnection<String, String> admin;

    @BeforeEach
    void connect() {
        client = RedisClient.create(REDIS.redis().url());
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        admin = client.connect();
        admin.sync().flushall();
        REDIS.redis().resetCommandStats();
    }

    @AfterEach
    void close() {
        connection.close();
        admin.close();
        client.shutdown();
    }

    @Test
    void aBurstOnOneBucketIsDecidedExactlyWithFewerRedisCommandsThanMessages() throws Exception {
        RedisBuckets buckets = new RedisBuckets(connection, () -> true);
        RateLimit limit = new RateLimit(60, 100); // 100 at once, then one a second
        int messages = 300;
        // the connection's first check (its script loaded, the code cold) on another bucket
        buckets.take("msg:60:100:warmer", limit).toCompletableFuture().handle((left, failure) -> left)
                .get(10, TimeUnit.SECONDS);
        long unansweredBefore = buckets.unanswered();
        REDIS.redis().resetCommandStats();

        List<CompletableFuture<Long>> answers = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            answers.add(buckets.take("msg:60:100:flooder", limit).toCompletableFuture());
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        long admitted = answers.stream().filter(answer -> answer.join() == 0).count();
        // every message was decided by Redis (none fell back to this node alone), the burst exactly
        assertThat(buckets.unanswered() - unansweredBefore).isZero();
        assertThat(admitted).isBetween(100L, 102L); // a token a second comes back while the burst is decided
        assertThat(answers.stream().filter(answer -> answer.join() > 0)).allMatch(wait -> wait.join() <= 1_000);
        // in-flight messages of one bucket share a compare-and-swap: no retry storm on contention
        assertThat(REDIS.redis().commandCalls().values().stream().mapToLong(Long::longValue).sum())
                .isLessThan(messages / 10);
    }

    @Test
    void usersBucketsStaySeparate() throws Exception {
        RedisBuckets buckets = new RedisBuckets(connection, () -> true);
        RateLimit limit = new RateLimit(60, 3);
        List<CompletableFuture<Long>> ada = new ArrayList<>();
        List<CompletableFuture<Long>> bob = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ada.add(buckets.take("msg:60:3:ada", limit).toCompletableFuture());
            bob.add(buckets.take("msg:60:3:bob", limit).toCompletableFuture());
        }
        List<CompletableFuture<Long>> all = new ArrayList<>(ada);
        all.addAll(bob);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(ada.stream().filter(answer -> answer.join() == 0)).hasSize(3);
        assertThat(bob.stream().filter(answer -> answer.join() == 0)).hasSize(3);
    }

    @Test
    void theProxyOfABucketNoMessageUsesIsDropped() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        RedisBuckets buckets = new RedisBuckets(connection, () -> true, Duration.ofMillis(200), now::get);
        RateLimit limit = new RateLimit(6, 3);
        buckets.take("msg:6:3:ada", limit).toCompletableFuture().get(10, TimeUnit.SECONDS);
        buckets.take("msg:6:3:bob", limit).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(buckets.proxies()).isEqualTo(2);

        now.addAndGet(Duration.ofMillis(300).toNanos()); // neither used for 300 ms
        buckets.take("msg:6:3:bob", limit).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(buckets.proxies()).as("ada's proxy, idle, dropped; bob's used again").isEqualTo(1);
        // ada's tokens were in Redis all along: a fresh proxy finds one of three taken (one comes back in 10 s)
        assertThat(buckets.take("msg:6:3:ada", limit).toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(buckets.take("msg:6:3:ada", limit).toCompletableFuture().get(10, TimeUnit.SECONDS)).isZero();
        assertThat(buckets.take("msg:6:3:ada", limit).toCompletableFuture().get(10, TimeUnit.SECONDS)).isPositive();
    }
}
