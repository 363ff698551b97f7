package dev.switchboard.router.protection.internal;

import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.support.ManualClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final ManualClock clock = new ManualClock();

    private RateLimiter limiter(RateLimit user, RateLimit connection, RateLimit liveness) {
        return new RateLimiter(new RateLimitPolicy(user, connection, liveness, Map.of()), clock);
    }

    @Test
    void admitsTheBurstThenRefusesWithAWait() {
        RateLimiter limiter = limiter(new RateLimit(60, 3), new RateLimit(600, 100), new RateLimit(60, 2));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isTrue();
        }
        RateLimiter.Decision refused = limiter.tryAcquire("alice", "c-2", false);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterMs()).isBetween(1L, 1000L);
        assertThat(limiter.rejectedCount("user")).isEqualTo(1);
    }

    @Test
    void usersConnectionsAndLivenessHaveTheirOwnBuckets() {
        RateLimiter limiter = limiter(new RateLimit(60, 2), new RateLimit(60, 1), new RateLimit(60, 1));
        assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isTrue();
        assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isFalse();
        assertThat(limiter.rejectedCount("connection")).isEqualTo(1);
        assertThat(limiter.tryAcquire("alice", "c-2", false).admitted()).isTrue();
        assertThat(limiter.tryAcquire("alice", "c-3", false).admitted()).isFalse();
        assertThat(limiter.rejectedCount("user")).isEqualTo(1);
        assertThat(limiter.tryAcquire("alice", "c-1", true).admitted()).isTrue();
        assertThat(limiter.tryAcquire("bob", "c-9", false).admitted()).isTrue();
    }

    @Test
    void limitsAndOverridesChangeAtRuntime() {
        RateLimiter limiter = limiter(new RateLimit(60, 1), new RateLimit(600, 100), new RateLimit(60, 1));
        assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isTrue();
        assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isFalse();
        // one token every 500 ms: the call right after the override still finds the bucket empty
        limiter.override("alice", new RateLimit(120, 50));
        assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isFalse();
        clock.advance(Duration.ofMillis(499));
        assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquire("alice", "c-1", false).admitted()).isTrue();
        assertThat(limiter.limits().overrides()).containsKey("alice");
        limiter.update(new RateLimitPolicy(new RateLimit(60, 5), new RateLimit(600, 100), new RateLimit(60, 1),
                limiter.limits().overrides()));
        assertThat(limiter.limits().user()).isEqualTo(new RateLimit(60, 5));
        assertThat(limiter.tryAcquire("bob", "c-2", false).admitted()).isTrue();
    }

    @Test
    void sweepDropsOnlyFullBucketsSoReconnectingNeverResetsALimit() {
        RateLimiter limiter = limiter(new RateLimit(1, 1), new RateLimit(600, 100), new RateLimit(1, 1));
        limiter.tryAcquire("alice", "c-1", false);
        limiter.tryAcquire("bob", "c-2", true);
        limiter.tryAcquire("bob", "c-2", true);
        limiter.forgetConnection("c-1");
        assertThat(limiter.sweep()).isZero();
        assertThat(limiter.trackedUsers()).isEqualTo(2);
        assertThat(limiter.tryAcquire("alice", "c-3", false).admitted()).isFalse();
    }
}
