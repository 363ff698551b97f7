package dev.switchboard.router.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import dev.switchboard.router.support.ManualClock;
import org.junit.jupiter.api.Test;

class SlaGuardTest {


    private final ManualClock clock = new ManualClock();
    private final SlaGuard guard = new SlaGuard(
            new SlaGuard.Thresholds(Duration.ofSeconds(10), Duration.ofMillis(50), 0.9, 20), clock);
    private static final Duration BUDGET = Duration.ofMillis(100);

    @Test
    void judgesNothingBelowTheMinimumSamples() {
        for (int i = 0; i < 19; i++) {
            assertThat(guard.record(10_000, false, BUDGET)).isNull();
        }
        assertThat(guard.record(10_000, false, BUDGET)).isNotNull();
    }

    @Test
    void computesP95OverTheWindowAndTripsOverBudgetPlusOverhead() {
        for (int i = 1; i <= 19; i++) {
            assertThat(guard.record(i * 5, true, BUDGET)).isNull();
        }
        // 20 samples: 5..95 and one more; p95 is the 19th smallest
        assertThat(guard.record(150, true, BUDGET)).isNull();
        assertThat(guard.window().p95Ms()).isEqualTo(95);
        guard.record(151, true, BUDGET);
        assertThat(guard.window().p95Ms()).isEqualTo(150);
        String breach = guard.record(400, true, BUDGET);
        assertThat(breach).startsWith("p95 latency 151 ms over the 150 ms limit");
    }

    @Test
    void forgetsSamplesOlderThanTheWindow() {
        for (int i = 0; i < 20; i++) {
            guard.record(10, false, BUDGET);
        }
        assertThat(guard.window().samples()).isEqualTo(20);
        clock.advance(Duration.ofSeconds(11));
        assertThat(guard.window().samples()).isZero();
        assertThat(guard.window().successRate()).isEqualTo(1.0);
        assertThat(guard.record(10, true, BUDGET)).isNull();
    }

    @Test
    void tripsWhenTheSuccessRateFallsBelowItsThreshold() {
        for (int i = 0; i < 18; i++) {
            guard.record(10, true, BUDGET);
        }
        assertThat(guard.record(10, false, BUDGET)).isNull();
        assertThat(guard.record(10, false, BUDGET)).isNull();
        assertThat(guard.window().successRate()).isEqualTo(0.9);
        assertThat(guard.record(10, false, BUDGET)).isEqualTo("success rate 85.7% below 90.0% over 21 runs");
    }

    @Test
    void addKeepsOutcomesWithoutJudgingAndTheWindowFollowsEveryChange() {
        for (int i = 0; i < 30; i++) {
            guard.add(5_000, false);
        }
        assertThat(guard.window()).isEqualTo(new SlaGuard.Window(30, 5_000, 0.0));

        for (int i = 0; i < 600; i++) {
            guard.add(10, true);
        }
        assertThat(guard.window()).isEqualTo(new SlaGuard.Window(630, 10, 600 / 630.0));

        clock.advance(Duration.ofSeconds(11));
        assertThat(guard.window()).isEqualTo(new SlaGuard.Window(0, 0, 1.0));
    }
}
