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

    @Test
    void readsWhatInstantWritesAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            // 0000-01-01 to 9999-12-31, with 0, 3, 6 or 9 digits of fraction as toString() writes them
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(InstantText.inOwnForm(instant.toString())).as(instant.toString()).isEqualTo(instant);
        }
    }

    @Test
    void readsAnyFractionLengthAndLeavesOtherFormsToInstantParse() {
        assertThat(InstantText.inOwnForm("2026-11-30T19:38:11.5Z")).isEqualTo(Instant.parse("2026-11-30T19:38:11.5Z"));
        assertThat(InstantText.inOwnForm("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        for (String other : new String[] {"2026-11-30T19:38:11+01:00", "2026-11-30T19:38:11.Z",
                "2026-11-30T19:38:11.1234567890Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-30T24:00:00Z", "2026-11-30 19:38:11Z", "2026-1a-30T19:38:11Z", "+12026-11-30T19:38:11Z", ""}) {
            assertThat(InstantText.inOwnForm(other)).as(other).isNull();
        }
        assertThat(InstantText.parse("2026-11-30T20:38:11.501+01:00")).isEqualTo(Instant.parse("2026-11-30T19:38:11.501Z"));
        assertThat(InstantText.parse("2026-11-30T19:38:11.501Z")).isEqualTo(Instant.parse("2026-11-30T19:38:11.501Z"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> InstantText.parse("2026-02-29T00:00:00Z"))
                .isInstanceOf(java.time.format.DateTimeParseException.class);
    }
}
