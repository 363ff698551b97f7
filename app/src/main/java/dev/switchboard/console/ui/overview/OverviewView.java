package dev.switchboard.console.ui.overview;

import dev.switchboard.console.state.Sample;
import dev.switchboard.console.ui.common.SlidingWindowChart;
import dev.switchboard.console.ui.common.StatTile;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;

/** Tiles with the router's headline figures and a fixed-window chart of throughput and latency. */
public final class OverviewView extends BorderPane {
    private final OverviewViewModel model;
    private final FlowPane grid = new FlowPane(12, 12);
    private final NumberAxis timeAxis = SlidingWindowChart.timeAxis();
    private XYChart.Series<Number, Number> rate;
    private XYChart.Series<Number, Number> p99;

    public OverviewView(OverviewViewModel model) {
        this.model = model;
        createView();
        initListeners();
    }

    private void createView() {
        setId("overview");
        grid.setPadding(new Insets(12));
        setTop(grid);
        timeAxis.setForceZeroInRange(false);
        LineChart<Number, Number> chart = SlidingWindowChart.lineChart("overview-chart", "Last 10 minutes", timeAxis,
                new NumberAxis());
        rate = SlidingWindowChart.addSeries(chart, "messages/s");
        p99 = SlidingWindowChart.addSeries(chart, "routing p99 (ms)");
        setCenter(chart);
    }

    private void initListeners() {
        for (OverviewViewModel.Figure figure : model.figures()) {
            StatTile.addTo(grid, "overview-" + figure.id(), figure.title()).textProperty().bind(figure.value());
        }
        model.samples().addListener((ListChangeListener<Sample>) change -> redrawChart());
        model.windowProperty().addListener((observable, before, window) -> {
            timeAxis.setLowerBound(window.lower());
            timeAxis.setUpperBound(window.upper());
            timeAxis.setTickUnit(window.tickUnit());
        });
    }

    /** Rebuilds both series with one setAll each (the window is bounded, so is the work). */
    private void redrawChart() {
        List<XYChart.Data<Number, Number>> rates = new ArrayList<>();
        List<XYChart.Data<Number, Number>> latencies = new ArrayList<>();
        for (Sample sample : model.samples()) {
            rates.add(new XYChart.Data<>(sample.atSeconds(), sample.messagesPerSecond()));
            latencies.add(new XYChart.Data<>(sample.atSeconds(), sample.p99Ms()));
        }
        rate.getData().setAll(rates);
        p99.getData().setAll(latencies);
    }
}
