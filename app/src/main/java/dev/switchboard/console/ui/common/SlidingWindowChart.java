package dev.switchboard.console.ui.common;

import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;

/**
 * The line chart of a fixed time window: no animation and no symbols (a default chart builds a
 * scene node per point), and a time axis the view moves itself as the window slides.
 */
public final class SlidingWindowChart {

    private SlidingWindowChart() {
    }

    /** A time axis in seconds since start that does not range itself: the view sets its bounds. */
    public static NumberAxis timeAxis() {
        NumberAxis axis = new NumberAxis();
        axis.setLabel("seconds since start");
        axis.setAutoRanging(false);
        return axis;
    }

    /** A line chart over {@code timeAxis} without animation and symbols. */
    public static LineChart<Number, Number> lineChart(String id, String title, NumberAxis timeAxis,
                                                      NumberAxis valueAxis) {
        LineChart<Number, Number> chart = new LineChart<>(timeAxis, valueAxis);
        chart.setId(id);
        chart.setTitle(title);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        // room on the right for half of the last time label, which is centred on the axis's end
        chart.setPadding(new Insets(5, 30, 5, 5));
        return chart;
    }

    /** Adds a named, empty series to {@code chart} and returns it. */
    public static XYChart.Series<Number, Number> addSeries(LineChart<Number, Number> chart, String name) {
        XYChart.Series<Number, Number> series = new XYChart.Series<>();
        series.setName(name);
        chart.getData().add(series);
        return series;
    }
}
