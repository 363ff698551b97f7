package dev.switchboard.console.bench;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A Prometheus histogram's cumulative buckets as one scrape of {@code /metrics} shows them
 * ({@code <name>_bucket{…,le="…"} count}, summed over the other tags), and what happened between two
 * scrapes: the quantiles of the values recorded in between, each read as the upper bound of the bucket
 * it falls in (so never below the true value, and as fine as the buckets: Micrometer's are about
 * 10% apart).
 */
final class ScrapedHistogram {
    private final NavigableMap<Double, Double> cumulative;

    private ScrapedHistogram(NavigableMap<Double, Double> cumulative) {
        this.cumulative = cumulative;
    }

    /** The buckets of {@code name} (its base name, e.g. {@code switchboard_backend_event_latency_seconds}) in {@code metrics}. */
    static ScrapedHistogram of(String metrics, String name) {
        NavigableMap<Double, Double> cumulative = new TreeMap<>();
        String prefix = name + "_bucket{";
        metrics.lines().filter(line -> line.startsWith(prefix)).forEach(line -> {
            int le = line.indexOf("le=\"");
            if (le < 0) {
                return;
            }
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            cumulative.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
        });
        return new ScrapedHistogram(cumulative);
    }

    /** Values recorded since {@code earlier} (a scrape of the same histogram). */
    long countSince(ScrapedHistogram earlier) {
        return Math.round(count(cumulative) - count(earlier.cumulative));
    }

    /**
     * The {@code quantile} (0–1) of the values recorded since {@code earlier}, in the histogram's unit:
     * the upper bound of the first bucket holding that share of them; NaN with none recorded.
     */
    double quantileSince(ScrapedHistogram earlier, double quantile) {
        double total = count(cumulative) - count(earlier.cumulative);
        if (total <= 0) {
            return Double.NaN;
        }
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            double since = bucket.getValue() - earlier.cumulative.getOrDefault(bucket.getKey(), 0.0);
            if (since >= quantile * total) {
                return bucket.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double count(NavigableMap<Double, Double> cumulative) {
        return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }
}
