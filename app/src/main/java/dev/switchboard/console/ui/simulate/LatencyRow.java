package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.simulate.Measure;
import dev.switchboard.console.simulate.SimReport;
import java.util.List;

/**
 * One line of a finished simulation's latency table, as {@code SimReport.table()} prints it for
 * the CLI: a measure over the whole run, in milliseconds.
 *
 * @param measure the measure's name in the report ({@code ack}, {@code first_event}, {@code run},
 *                {@code ping}, {@code other_replies})
 * @param count   how many values were measured; with none, the figures are NaN (shown as "–",
 *                where the CLI prints 0.00)
 */
public record LatencyRow(String measure, long count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {

    /** The report's measures in its order. */
    static List<LatencyRow> of(SimReport report) {
        return report.latency().entrySet().stream().map(entry -> of(entry.getKey(), entry.getValue())).toList();
    }

    /** One measure's row. */
    static LatencyRow of(String measure, Measure.Figures figures) {
        if (figures.count() == 0) {
            return new LatencyRow(measure, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencyRow(measure, figures.count(), figures.p50(), figures.p95(), figures.p99(), figures.max());
    }
}
