package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.ui.common.SlidingWindowChart;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The simulate panel's live latency: two small charts side by side, the p50 and the p99 of each
 * half-second interval over the last {@value SimulateViewModel#CHART_SECONDS} s, each with the
 * ack, first-event and ping lines. A measure has the same colour in both charts and in both
 * themes ({@code simulate.css}, by series order); both axes say their unit.
 */
final class LatencyCharts extends HBox {
    /** The measures, in series order (which gives each its colour). */
    private static final List<String> MEASURES = List.of("ack", "first event", "ping");

    private final List<Chart> charts = List.of(
            new Chart("sim-latency-p50", "p50 per half-second interval",
                    List.of(LatencySample::ackP50, LatencySample::firstEventP50, LatencySample::pingP50)),
            new Chart("sim-latency-p99", "p99 per half-second interval",
                    List.of(LatencySample::ackP99, LatencySample::firstEventP99, LatencySample::pingP99)));

    /** One chart: its time axis, which figure each line draws, and the lines. */
    private static final class Chart {
        final NumberAxis timeAxis = SlidingWindowChart.timeAxis();
        final List<ToDoubleFunction<LatencySample>> reads;
        final List<XYChart.Series<Number, Number>> lines = new ArrayList<>();
        final LineChart<Number, Number> chart;

        Chart(String id, String title, List<ToDoubleFunction<LatencySample>> reads) {
            this.reads = reads;
            timeAxis.setLabel("s since start");
            timeAxis.setLowerBound(0);
            timeAxis.setUpperBound(10);
            timeAxis.setTickUnit(1);
            NumberAxis msAxis = new NumberAxis();
            msAxis.setLabel("ms");
            chart = SlidingWindowChart.lineChart(id, title, timeAxis, msAxis);
            chart.getStyleClass().add("sim-latency");
            chart.setMinWidth(0);
            for (String measure : MEASURES) {
                lines.add(SlidingWindowChart.addSeries(chart, measure));
            }
        }
    }

    LatencyCharts() {
        super(6);
        setId("sim-latency");
        for (Chart chart : charts) {
            HBox.setHgrow(chart.chart, Priority.ALWAYS);
            getChildren().add(chart.chart);
        }
        setMinWidth(0);
    }

    /** Redraws every line from {@code samples} with one setAll each (the window is bounded, so is the work). */
    void show(List<LatencySample> samples) {
        for (Chart chart : charts) {
            for (int i = 0; i < chart.lines.size(); i++) {
                ToDoubleFunction<LatencySample> read = chart.reads.get(i);
                List<XYChart.Data<Number, Number>> points = new ArrayList<>(samples.size());
                for (LatencySample sample : samples) {
                    double value = read.applyAsDouble(sample);
                    if (!Double.isNaN(value)) {
                        points.add(new XYChart.Data<>(sample.atSeconds(), value));
                    }
                }
                XYChart.Series<Number, Number> line = chart.lines.get(i);
                line.getData().setAll(points);
                // a LineChart keeps drawing the old path of a series whose data became empty (seen
                // here: the previous run's ping line under a run without pings): hide it instead
                if (line.getNode() != null) {
                    line.getNode().setVisible(!points.isEmpty());
                }
            }
        }
        // at least 10 s wide, so that a short run such as smoke is not squeezed against the axis
        double last = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).atSeconds();
        double lower = Math.floor(Math.max(0, last - SimulateViewModel.CHART_SECONDS) / 5) * 5;
        double upper = Math.max(lower + 10, Math.ceil(last / 5) * 5);
        double width = upper - lower;
        double tick = width <= 10 ? 2 : width <= 30 ? 5 : width <= 60 ? 10 : 20;
        for (Chart chart : charts) {
            chart.timeAxis.setLowerBound(lower);
            chart.timeAxis.setUpperBound(upper);
            chart.timeAxis.setTickUnit(tick);
        }
    }
}
