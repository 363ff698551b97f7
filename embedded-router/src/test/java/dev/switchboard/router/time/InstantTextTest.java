package dev.switchboard.router.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantTextTest {

    @Test
    void writesWhatInstantToStringWritesForEveryKindOfFraction() {
        long second = Instant.parse("2026-12-01T22:08:05Z").getEpochSecond();
        for (int nanos : new int[] {0, 1, 9, 10, 999, 1_000, 120_000, 123_456, 1_000_000, 120_000_000, 123_000_000,
                123_400_000, 123_456_000, 123_456_700, 999_999_999}) {
            Instant instant = Instant.ofEpochSecond(second, nanos);

            assertThat(InstantText.of(instant)).as("%s", nanos).isEqualTo(instant.toString());
        }
    }

    @Test
    void writesWhatInstantToStringWritesAcrossSecondsYearsAndEras() {
        SplittableRandom random = new SplittableRandom(20261201);
        long[] seconds = {0, -1, 86_399, 951_782_400 /* 2000-02-29 */, 253_402_300_799L /* 9999-12-31T23:59:59 */,
                253_402_300_800L /* year 10000 */, -62_135_596_801L /* year 0 */, -62_167_219_201L /* year -1 */};
        for (long second : seconds) {
            Instant instant = Instant.ofEpochSecond(second, 500_000_000);
            assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
        }
        for (int i = 0; i < 20_000; i++) {
            // runs of the same second, as a busy router writes them, then a jump
            long second = i % 7 == 0 ? random.nextLong(-100_000_000_000L, 300_000_000_000L) : 1_764_626_885L + i / 50;
            int nanos = switch (i % 4) {
                case 0 -> random.nextInt(1_000) * 1_000_000;
                case 1 -> random.nextInt(1_000_000) * 1_000;
                case 2 -> random.nextInt(1_000_000_000);
                default -> 0;
            };
            Instant instant = Instant.ofEpochSecond(second, nanos);

            assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void manyThreadsWritingDifferentSecondsEachGetTheirOwn() throws InterruptedException {
        Thread[] threads = new Thread[4];
        boolean[] wrong = new boolean[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int index = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    Instant instant = Instant.ofEpochSecond(1_764_626_885L + index * 1_000L + i % 3, i % 1_000 * 1_000_000L);
                    wrong[index] |= !InstantText.of(instant).equals(instant.toString());
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(wrong).containsOnly(false);
    }
}
