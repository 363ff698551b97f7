package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Quantiles of what a Prometheus histogram recorded between two scrapes. */
class ScrapedHistogramTest {
    private static final String NAME = "switchboard_backend_event_latency_seconds";

    private static String scrape(long upTo1ms, long upTo2ms, long upTo10ms, long all) {
        return "# HELP " + NAME + " …\n"
                + NAME + "_bucket{backend=\"a\",le=\"0.001\"} " + upTo1ms + "\n"
                + NAME + "_bucket{backend=\"a\",le=\"0.002\"} " + upTo2ms + "\n"
                + NAME + "_bucket{backend=\"a\",le=\"0.01\"} " + upTo10ms + "\n"
                + NAME + "_bucket{backend=\"a\",le=\"+Inf\"} " + all + "\n"
                + NAME + "_count{backend=\"a\"} " + all + "\n"
                + "other_bucket{le=\"0.001\"} 999\n";
    }

    @Test
    void readsTheQuantilesOfWhatWasRecordedBetweenTwoScrapesAsBucketUpperBounds() {
        ScrapedHistogram before = ScrapedHistogram.of(scrape(500, 500, 500, 500), NAME);
        // since: 90 values ≤ 1 ms, 9 in (1, 2] ms, 1 in (2, 10] ms
        ScrapedHistogram after = ScrapedHistogram.of(scrape(590, 599, 600, 600), NAME);

        assertThat(after.countSince(before)).isEqualTo(100);
        assertThat(after.quantileSince(before, 0.5)).isEqualTo(0.001);
        assertThat(after.quantileSince(before, 0.99)).isEqualTo(0.002);
        assertThat(after.quantileSince(before, 0.999)).isEqualTo(0.01);
    }

    @Test
    void sumsTheBucketsOfEveryTagAndHasNoQuantileWithNothingRecorded() {
        String twoBackends = scrape(1, 1, 1, 1) + scrape(1, 2, 3, 3).replace("backend=\"a\"", "backend=\"b\"");
        ScrapedHistogram histogram = ScrapedHistogram.of(twoBackends, NAME);

        assertThat(histogram.countSince(ScrapedHistogram.of("", NAME))).isEqualTo(4);
        assertThat(histogram.quantileSince(histogram, 0.99)).isNaN();
        assertThat(histogram.quantileSince(ScrapedHistogram.of("", NAME), 1.0)).isEqualTo(0.01);
    }
}
