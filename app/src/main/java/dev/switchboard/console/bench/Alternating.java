package dev.switchboard.console.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Two systems measured in alternating rounds, so that whatever else the machine does at a moment
 * falls on both: pair 1 runs the baseline then the system under test, pair 2 the other way round,
 * and so on (ABBAABBA…). Each pair gives one ratio; a figure is the median of the pairs' ratios,
 * stated with its spread.
 */
final class Alternating {
    /** One round of one system. */
    interface Round<R> {
        /**
         * @param baseline true for the baseline (the echo), false for the system under test (the router)
         * @param pair     0, 1, …
         */
        R run(boolean baseline, int pair) throws Exception;
    }

    /**
     * One pair's two results.
     *
     * @param baselineFirst whether the baseline ran first in this pair
     */
    record Pair<R>(int index, boolean baselineFirst, R baseline, R measured) {
        double ratio(ToDoubleFunction<R> figure) {
            double base = figure.applyAsDouble(baseline);
            return base == 0 ? Double.NaN : figure.applyAsDouble(measured) / base;
        }
    }

    /**
     * The median of some values and their range.
     *
     * @param values every value, in the order measured
     */
    record Spread(double median, double min, double max, double[] values) {
        static Spread of(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n == 0 ? Double.NaN
                    : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Spread(median, n == 0 ? Double.NaN : sorted[0], n == 0 ? Double.NaN : sorted[n - 1], values.clone());
        }

        static <T> Spread of(List<T> items, ToDoubleFunction<T> figure) {
            return of(items.stream().mapToDouble(figure).toArray());
        }

        /** {@code "0.84 (0.79–0.88)"} with {@code decimals} places. */
        String text(int decimals) {
            String format = "%." + decimals + "f";
            return String.format(format + " (" + format + "–" + format + ")", median, min, max);
        }
    }

    private Alternating() {
    }

    /** Runs {@code pairs} pairs of rounds, the order alternating from one pair to the next. */
    static <R> List<Pair<R>> run(int pairs, Round<R> round) throws Exception {
        List<Pair<R>> done = new ArrayList<>(pairs);
        for (int pair = 0; pair < pairs; pair++) {
            boolean baselineFirst = pair % 2 == 0;
            R first = round.run(baselineFirst, pair);
            R second = round.run(!baselineFirst, pair);
            done.add(new Pair<>(pair, baselineFirst, baselineFirst ? first : second, baselineFirst ? second : first));
        }
        return done;
    }

    /**
     * The spread of each pair's ratio of {@code figure} (measured / baseline); a pair whose baseline
     * figure is 0 has no ratio and is left out.
     */
    static <R> Spread ratios(List<Pair<R>> pairs, ToDoubleFunction<R> figure) {
        return Spread.of(pairs.stream().mapToDouble(pair -> pair.ratio(figure)).filter(ratio -> !Double.isNaN(ratio))
                .toArray());
    }
}
