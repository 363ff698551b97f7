package dev.switchboard.router.protection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void admitsTheBurstThenRefusesWithAWait() {
        RateLimiter limiter = new RateLimiter(new RateLimits(60, 3), new RateLimits(60, 2));
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("alice", false).admitted()).isTrue();
        }
        RateLimiter.Decision refused = limiter.tryAcquire("alice", false);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterMs()).isBetween(1L, 1000L);
        assertThat(limiter.rejectedCount()).isEqualTo(1);
    }

    @Test
    void usersAndLivenessHaveTheirOwnBuckets() {
        RateLimiter limiter = new RateLimiter(new RateLimits(60, 1), new RateLimits(60, 1));
        assertThat(limiter.tryAcquire("alice", false).admitted()).isTrue();
        assertThat(limiter.tryAcquire("alice", false).admitted()).isFalse();
        assertThat(limiter.tryAcquire("alice", true).admitted()).isTrue();
        assertThat(limiter.tryAcquire("bob", false).admitted()).isTrue();
    }

    @Test
    void sweepDropsOnlyFullBucketsSoReconnectingNeverResetsALimit() {
        RateLimiter limiter = new RateLimiter(new RateLimits(1, 1), new RateLimits(1, 1));
        limiter.tryAcquire("alice", false);
        limiter.tryAcquire("bob", true);
        limiter.tryAcquire("bob", true);
        assertThat(limiter.sweep()).isZero();
        assertThat(limiter.trackedUsers()).isEqualTo(2);
        assertThat(limiter.tryAcquire("alice", false).admitted()).isFalse();
    }
}
