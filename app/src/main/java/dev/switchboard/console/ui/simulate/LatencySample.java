package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.simulate.Measure;

/**
 * One point of the simulate panel's latency chart: the p50 and p99 of one progress interval, in
 * milliseconds; NaN where the interval measured nothing of that kind.
 *
 * @param atSeconds seconds since the simulation started
 */
public record LatencySample(double atSeconds, double ackP50, double ackP99, double firstEventP50,
                            double firstEventP99, double pingP50, double pingP99) {

    static LatencySample of(double atSeconds, Measure.Figures ack, Measure.Figures firstEvent, Measure.Figures ping) {
        return new LatencySample(atSeconds, p50(ack), p99(ack), p50(firstEvent), p99(firstEvent), p50(ping), p99(ping));
    }

    private static double p50(Measure.Figures figures) {
        return figures.count() == 0 ? Double.NaN : figures.p50();
    }

    private static double p99(Measure.Figures figures) {
        return figures.count() == 0 ? Double.NaN : figures.p99();
    }
}
