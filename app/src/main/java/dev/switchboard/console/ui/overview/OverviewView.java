package dev.switchboard.console.ui.overview;

import dev.switchboard.console.state.Sample;
import dev.switchboard.console.ui.common.SlidingWindowChart;
import dev.switchboard.console.ui.common.StatTile;
import dev.switchboard.console.ui.common.Tables;
import dev.switchboard.console.ui.common.ValueCellFactory;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * Tiles with the router's headline figures (a cluster's totals), for a cluster a table of its nodes
 * (state in green or red, connections, msg/s, p99, errors), and a fixed-window chart of throughput
 * and latency.
 */
public final class OverviewView extends BorderPane {
    private final OverviewViewModel model;
    private final FlowPane grid = new FlowPane(12, 12);
    private final Label clusterSummary = new Label();
    private final Label staleNote = new Label("stale: the feed is lost; these are the last figures it sent");
    private final TableView<NodeRow> nodes = new TableView<>();
    private final NumberAxis rateTime = SlidingWindowChart.timeAxis();
    private final NumberAxis p99Time = SlidingWindowChart.timeAxis();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** Samples further apart than this had no feed between them: the lines break there. */
    public static final double GAP_SECONDS = 3;
    private LineChart<Number, Number> rateChart;
    private LineChart<Number, Number> p99Chart;

    /** Which view a tile opens (the tab's id), for the tiles that have one. */
    private static final Map<String, String> OPENS = Map.of("errors-sent", "tab-errors",
            "handler-exceptions", "tab-types", "connections", "tab-connections", "users", "tab-connections",
            "runs-in-flight", "tab-runs", "rate-limited", "tab-protection");
    private final Consumer<String> openView;

    /**
     * @param openView opens a view by its tab's id (a click on a tile opens the view listing what it counts)
     */
    public OverviewView(OverviewViewModel model, Consumer<String> openView) {
        this.model = model;
        this.openView = openView;
        createView();
        initListeners();
    }

    private void createView() {
        setId("overview");
        grid.setPadding(new Insets(12));
        clusterSummary.setId("overview-cluster");
        Tables.fill(nodes, "overview-nodes", model.nodes());
        Tables.textColumn(nodes, "Node", NodeRow::nodeId).setMaxWidth(110);
        new ValueCellFactory<NodeRow, String>().withStyleClass(state -> "node-" + state)
                .install(Tables.textColumn(nodes, "State", NodeRow::state)).setMaxWidth(80);
        Tables.numberColumn(nodes, "Connections", NodeRow::connections).setMaxWidth(110);
        Tables.decimalColumn(nodes, "Msg/s", NodeRow::messagesPerSecond).setMaxWidth(90);
        Tables.decimalColumn(nodes, "Reply p99 ms", NodeRow::p99Ms).setMaxWidth(130);
        Tables.numberColumn(nodes, "Handler exceptions", NodeRow::errors).setMaxWidth(150);
        Tables.textColumn(nodes, "Monitor / why down", NodeRow::detail);
        // a few rows: the table is as tall as they are (room for 8 before it scrolls)
        nodes.setFixedCellSize(26);
        nodes.prefHeightProperty().bind(Bindings.min(8, Bindings.size(model.nodes())).multiply(26).add(32));
        VBox cluster = new VBox(6, clusterSummary, nodes);
        cluster.setPadding(new Insets(0, 12, 12, 12));
        BooleanBinding clustered = Bindings.isNotEmpty(model.nodes());
        cluster.visibleProperty().bind(clustered);
        cluster.managedProperty().bind(clustered);
        Label legend = new Label("Reply: a message's arrival to its answer written to the socket (what a client"
                + " waits, minus the network) · Routing: arrival to handler return · Handshake: socket accepted to"
                + " upgrade answered · percentiles over the last minute");
        legend.setId("overview-legend");
        legend.setWrapText(true);
        legend.setPadding(new Insets(0, 12, 8, 12));
        staleNote.setId("overview-stale");
        staleNote.getStyleClass().add("stale-note");
        staleNote.setPadding(new Insets(0, 12, 0, 12));
        staleNote.setVisible(false);
        staleNote.setManaged(false);
        setTop(new VBox(staleNote, grid, legend, cluster));
        // two small charts, each with its unit on its axis; times are local clock times; one series
        // per stretch with a feed, so an outage is a gap and not a line across it (hence no legend)
        rateChart = chart("overview-chart", "Last 10 minutes", rateTime, "messages/s");
        p99Chart = chart("overview-p99-chart", null, p99Time, "reply p99, ms");
        Label gapKey = new Label("a break in the lines: no feed then · times are this machine's clock");
        HBox keys = new HBox(16, gapKey);
        keys.setAlignment(Pos.CENTER);
        keys.setPadding(new Insets(0, 0, 8, 0));
        VBox charts = new VBox(rateChart, p99Chart);
        VBox.setVgrow(rateChart, Priority.ALWAYS);
        VBox.setVgrow(p99Chart, Priority.ALWAYS);
        setCenter(charts);
        setBottom(keys);
    }

    private LineChart<Number, Number> chart(String id, String title, NumberAxis time, String unit) {
        time.setForceZeroInRange(false);
        time.setLabel(null);
        time.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number seconds) {
                return CLOCK.format(Instant.ofEpochMilli(model.startedAtMillis() + Math.round(seconds.doubleValue()
                        * 1000)));
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException("the time axis is read-only");
            }
        });
        NumberAxis values = new NumberAxis();
        values.setLabel(unit);
        LineChart<Number, Number> chart = SlidingWindowChart.lineChart(id, title, time, values);
        chart.setLegendVisible(false);
        chart.setMinHeight(140);
        return chart;
    }

    /** Marks the figures stale (greyed, with a note) while the feed is lost, or current again. */
    public void setStale(boolean stale) {
        if (stale) {
            if (!grid.getStyleClass().contains("stale")) {
                grid.getStyleClass().add("stale");
            }
        } else {
            grid.getStyleClass().remove("stale");
        }
        staleNote.setVisible(stale);
        staleNote.setManaged(stale);
    }

    private void initListeners() {
        for (OverviewViewModel.Figure figure : model.figures()) {
            Label value = StatTile.addTo(grid, "overview-" + figure.id(), figure.title());
            value.textProperty().bind(figure.value());
            String tab = OPENS.get(figure.id());
            if (tab != null) {
                Node tile = value.getParent();
                tile.getStyleClass().add("tile-link");
                tile.setOnMouseClicked(event -> openView.accept(tab));
                Tooltip.install(tile, new Tooltip("Click to open the view that lists them"));
            }
        }
        clusterSummary.textProperty().bind(model.clusterSummaryProperty());
        model.samples().addListener((ListChangeListener<Sample>) change -> redrawChart());
        // the window as it is now, then every change (a window equal to the first one is no change:
        // without this the axes kept NumberAxis's 0–100 by 5 until the first minute had passed)
        showWindow(model.windowProperty().get());
        model.windowProperty().addListener((observable, before, window) -> showWindow(window));
        if (!model.samples().isEmpty()) {
            redrawChart();
        }
    }

    private void showWindow(OverviewViewModel.TimeWindow window) {
        for (NumberAxis time : List.of(rateTime, p99Time)) {
            time.setLowerBound(window.lower());
            time.setUpperBound(window.upper());
            time.setTickUnit(window.tickUnit());
        }
    }

    /**
     * Rebuilds the series, one pair per stretch of samples with a feed, in one setAll (the window is
     * bounded, so is the work).
     */
    private void redrawChart() {
        List<XYChart.Series<Number, Number>> rates = new ArrayList<>();
        List<XYChart.Series<Number, Number>> latencies = new ArrayList<>();
        for (List<Sample> stretch : stretches(model.samples(), GAP_SECONDS)) {
            XYChart.Series<Number, Number> rate = new XYChart.Series<>();
            for (Sample sample : stretch) {
                rate.getData().add(new XYChart.Data<>(sample.atSeconds(), sample.messagesPerSecond()));
            }
            rates.add(rate);
            for (List<Sample> measured : withReplies(stretch)) {
                XYChart.Series<Number, Number> latency = new XYChart.Series<>();
                measured.forEach(sample -> latency.getData().add(new XYChart.Data<>(sample.atSeconds(), sample.p99Ms())));
                latencies.add(latency);
            }
        }
        rateChart.getData().setAll(rates);
        p99Chart.getData().setAll(latencies);
        rates.forEach(series -> series.getNode().getStyleClass().add("series-rate"));
        latencies.forEach(series -> series.getNode().getStyleClass().add("series-p99"));
    }

    /**
     * The runs of a stretch whose reply p99 is known: a p99 of 0 means no reply in the router's last
     * minute, which the chart leaves empty (no line at 0 ms, nor one across the quiet time).
     */
    static List<List<Sample>> withReplies(List<Sample> stretch) {
        List<List<Sample>> runs = new ArrayList<>();
        List<Sample> current = new ArrayList<>();
        for (Sample sample : stretch) {
            if (sample.p99Ms() > 0) {
                current.add(sample);
            } else if (!current.isEmpty()) {
                runs.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            runs.add(current);
        }
        return runs;
    }

    /** The samples cut where two in a row are more than {@code gapSeconds} apart. */
    static List<List<Sample>> stretches(List<Sample> samples, double gapSeconds) {
        List<List<Sample>> stretches = new ArrayList<>();
        List<Sample> current = new ArrayList<>();
        for (Sample sample : samples) {
            if (!current.isEmpty() && sample.atSeconds() - current.get(current.size() - 1).atSeconds() > gapSeconds) {
                stretches.add(current);
                current = new ArrayList<>();
            }
            current.add(sample);
        }
        if (!current.isEmpty()) {
            stretches.add(current);
        }
        return stretches;
    }
}
