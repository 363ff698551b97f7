package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LongGapsTest {
    private static final Pattern ON_A_CORE = Pattern.compile("the FX thread on a core (\\d+) ms");

    @Test
    void addsUpTheCallingThreadsTimeOnACoreWithinTheLongGapsOnly() {
        assumeThat(ThreadTime.now()).as("Linux's schedstat").isNotNull();
        LongGaps gaps = new LongGaps(33_000_000L);
        gaps.pulse(0);
        spinOnACore(60);
        gaps.pulse(70_000_000L);
        spinOnACore(60);
        gaps.pulse(20_000_000L);

        String summary = gaps.summary();

        assertThat(summary).startsWith("1 gaps over 33 ms, 70 ms in all; the FX thread on a core ");
        Matcher onACore = ON_A_CORE.matcher(summary);
        assertThat(onACore.find()).as(summary).isTrue();
        // the first spin only: the second ended a gap under the threshold
        assertThat(Long.parseLong(onACore.group(1))).as(summary).isBetween(55L, 115L);
    }

    @Test
    void listsTheBusiestThreadsByName() {
        assumeThat(ThreadTime.now()).as("Linux's schedstat").isNotNull();
        String before = Thread.currentThread().getName();
        // the JVM gives Linux the name of a thread that names itself
        Thread.currentThread().setName("long-gaps-spin");
        try {
            spinOnACore(300);

            assertThat(LongGaps.busiestThreads(100)).anySatisfy(line -> {
                Matcher time = Pattern.compile("^long-gaps-spin on a core ([\\d.]+) s, waiting for one [\\d.]+ s$").matcher(line);
                assertThat(time.find()).as(line).isTrue();
                assertThat(Double.parseDouble(time.group(1))).isGreaterThanOrEqualTo(0.3);
            });
        } finally {
            Thread.currentThread().setName(before);
        }
    }

    /** Spins until this thread has had {@code millis} of CPU, by the JVM's own count. */
    private static void spinOnACore(long millis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + millis * 1_000_000L;
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() < until) {
            sink += System.nanoTime() & 1;
        }
        assertThat(sink).isGreaterThanOrEqualTo(0);
    }
}
