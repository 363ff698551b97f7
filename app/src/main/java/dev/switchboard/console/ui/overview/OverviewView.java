package dev.switchboard.console.ui.overview;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.Sample;
import dev.switchboard.console.ui.common.SlidingWindowChart;
import dev.switchboard.console.ui.common.StatTile;
import dev.switchboard.router.monitor.wire.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;

/** Tiles with the router's headline figures and a fixed-window chart of throughput and latency. */
public final class OverviewView extends BorderPane {
    private final ConsoleState state;
    private final List<Tile> tiles = new ArrayList<>();
    private final NumberAxis timeAxis = SlidingWindowChart.timeAxis();
    private XYChart.Series<Number, Number> rate;
    private XYChart.Series<Number, Number> p99;

    private record Tile(Label value, Function<Stats, String> read) {
    }

    public OverviewView(ConsoleState state) {
        this.state = state;
        createView();
        initListeners();
    }

    private void createView() {
        setId("overview");
        FlowPane grid = new FlowPane(12, 12);
        grid.setPadding(new Insets(12));
        tile(grid, "connections", "Connections", s -> Integer.toString(s.connections()));
        tile(grid, "users", "Users", s -> Integer.toString(s.users()));
        tile(grid, "rate", "Messages/s", s -> Double.toString(s.messagesPerSecond()));
        tile(grid, "p50", "Routing p50 ms", s -> latency(s, "p50"));
        tile(grid, "p95", "Routing p95 ms", s -> latency(s, "p95"));
        tile(grid, "p99", "Routing p99 ms", s -> latency(s, "p99"));
        tile(grid, "handler-errors", "Handler errors", s -> Long.toString(s.handlerErrors()));
        tile(grid, "rate-limited", "Rate-limited", s -> Long.toString(s.rateLimited()));
        tile(grid, "queue-depth", "Queue depth", s -> Long.toString(s.queued()));
        tile(grid, "runs-in-flight", "Runs in flight", s -> Integer.toString(s.runsInFlight()));
        setTop(grid);

        timeAxis.setForceZeroInRange(false);
        LineChart<Number, Number> chart = SlidingWindowChart.lineChart("overview-chart", "Last 10 minutes", timeAxis,
                new NumberAxis());
        rate = SlidingWindowChart.addSeries(chart, "messages/s");
        p99 = SlidingWindowChart.addSeries(chart, "routing p99 (ms)");
        setCenter(chart);
    }

    private static String latency(Stats stats, String percentile) {
        Double value = stats.routingLatencyMs().get(percentile);
        return value == null ? "0" : value.toString();
    }

    private void tile(FlowPane grid, String id, String title, Function<Stats, String> read) {
        tiles.add(new Tile(StatTile.addTo(grid, "overview-" + id, title), read));
    }

    private void initListeners() {
        state.statsProperty().addListener((observable, before, stats) -> {
            if (stats != null) {
                tiles.forEach(tile -> tile.value().setText(tile.read().apply(stats)));
            }
        });
        state.samples().addListener((ListChangeListener<Sample>) change -> redrawChart());
    }

    /** Rebuilds both series with one setAll each (the window is bounded, so is the work). */
    private void redrawChart() {
        List<XYChart.Data<Number, Number>> rates = new ArrayList<>();
        List<XYChart.Data<Number, Number>> latencies = new ArrayList<>();
        for (Sample sample : state.samples()) {
            rates.add(new XYChart.Data<>(sample.atSeconds(), sample.messagesPerSecond()));
            latencies.add(new XYChart.Data<>(sample.atSeconds(), sample.p99Ms()));
        }
        rate.getData().setAll(rates);
        p99.getData().setAll(latencies);
        if (!state.samples().isEmpty()) {
            double last = state.samples().get(state.samples().size() - 1).atSeconds();
            double lower = Math.max(0, last - 600);
            double upper = Math.max(60, last);
            timeAxis.setLowerBound(lower);
            timeAxis.setUpperBound(upper);
            timeAxis.setTickUnit(Math.max(10, Math.ceil((upper - lower) / 60) * 10));
        }
    }
}
