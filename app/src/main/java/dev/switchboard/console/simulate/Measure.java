package dev.switchboard.console.simulate;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One latency measure, recorded from any thread in microseconds (1 µs … 1 h, 3 significant
 * digits): the whole run's histogram and, for live charts, the interval since the last look.
 */
public final class Measure {
    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final String name;
    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
    private final Histogram total = new Histogram(HIGHEST_MICROS, 3);
    private Histogram interval;

    public Measure(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Records {@code nanos}, clamped to the trackable range. */
    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(1, Math.min(HIGHEST_MICROS, nanos / 1_000)));
    }

    /** Moves what was recorded since the last call into the total; returns that interval's figures. */
    public synchronized Figures sample() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return Figures.of(interval);
    }

    /** The whole run so far (call {@link #sample()} first to include the latest values). */
    public synchronized Figures total() {
        return Figures.of(total);
    }

    /** A copy of the whole run's histogram. */
    public synchronized Histogram totalHistogram() {
        return total.copy();
    }

    /**
     * Latency figures in milliseconds.
     *
     * @param count how many values
     */
    public record Figures(long count, double p50, double p95, double p99, double max, double mean) {
        static final Figures NONE = new Figures(0, 0, 0, 0, 0, 0);

        public static Figures of(Histogram histogram) {
            if (histogram.getTotalCount() == 0) {
                return NONE;
            }
            return new Figures(histogram.getTotalCount(), ms(histogram.getValueAtPercentile(50)),
                    ms(histogram.getValueAtPercentile(95)), ms(histogram.getValueAtPercentile(99)),
                    ms(histogram.getMaxValue()), histogram.getMean() / 1_000.0);
        }

        private static double ms(long micros) {
            return micros / 1_000.0;
        }
    }
}
