package dev.switchboard.console.ui.overview;

import dev.switchboard.console.feed.ClusterPicture;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.state.Sample;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.Stats;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The overview's state: the headline figures as text (a cluster's totals, merged by its feed), a
 * sample a second (throughput, routing p99, runs in flight) over a fixed window with the chart's
 * time axis bounds, and for a cluster one row per node. No scene graph.
 */
public final class OverviewViewModel implements MonitorBatch.Listener {

    /**
     * One headline figure.
     *
     * @param id    the tile's id (its value label is {@code overview-<id>})
     * @param title its caption
     */
    public record Figure(String id, String title, ReadOnlyStringProperty value) {
    }

    /**
     * The chart's time axis, in seconds since the console started.
     *
     * @param lower    the left bound
     * @param upper    the right bound
     * @param tickUnit seconds between ticks
     */
    public record TimeWindow(double lower, double upper, double tickUnit) {
    }

    private record Reading(Figure figure, ReadOnlyStringWrapper value, Function<Stats, String> read) {
    }

    private final int sampleLimit;
    private final long startedAt;
    private final List<Reading> readings;
    private final List<Figure> figures;
    private final ObservableList<Sample> samples = FXCollections.observableArrayList();
    private final ObservableList<Sample> samplesView = FXCollections.unmodifiableObservableList(samples);
    private final ReadOnlyObjectWrapper<TimeWindow> window = new ReadOnlyObjectWrapper<>(this, "window",
            new TimeWindow(0, 60, 10));
    private final ObservableList<NodeRow> nodes = FXCollections.observableArrayList();
    private final ObservableList<NodeRow> nodesView = FXCollections.unmodifiableObservableList(nodes);
    private final ReadOnlyStringWrapper clusterSummary = new ReadOnlyStringWrapper(this, "clusterSummary", "");
    private long lastSampleAt = -1;

    /**
     * @param limits          how many samples to keep
     * @param startedAtMillis the console's start (the time axis's origin)
     */
    public OverviewViewModel(ConsoleState.Limits limits, long startedAtMillis) {
        this.sampleLimit = limits.samples();
        this.startedAt = startedAtMillis;
        this.readings = List.of(
                reading("connections", "Connections", s -> count(s.connections())),
                reading("users", "Users", s -> count(s.users())),
                reading("rate", "Messages/s", s -> figure(s.messagesPerSecond())),
                // the headline is what a client waits (minus the network): arrival to answer written
                reading("reply-p50", "Reply p50 ms", s -> percentile(s.replyLatencyMs(), "p50")),
                reading("reply-p95", "Reply p95 ms", s -> percentile(s.replyLatencyMs(), "p95")),
                reading("reply-p99", "Reply p99 ms", s -> percentile(s.replyLatencyMs(), "p99")),
                reading("p99", "Routing p99 ms", s -> latency(s, "p99")),
                reading("handshake-p99", "Handshake p99 ms", s -> percentile(s.handshakeMs(), "p99")),
                // one meaning per word: every error frame sent to a client, and handlers that threw
                reading("errors-sent", "Errors sent to clients",
                        s -> count(s.errorsSent().values().stream().mapToLong(Long::longValue).sum())),
                reading("handler-exceptions", "Handler exceptions", s -> count(s.handlerErrors())),
                reading("rate-limited", "Rate-limited", s -> count(s.rateLimited())),
                reading("queue-depth", "Queue depth", s -> count(s.queued())),
                reading("runs-in-flight", "Runs in flight", s -> count(s.runsInFlight())));
        this.figures = readings.stream().map(Reading::figure).toList();
    }

    private static Reading reading(String id, String title, Function<Stats, String> read) {
        ReadOnlyStringWrapper value = new ReadOnlyStringWrapper("–");
        return new Reading(new Figure(id, title, value.getReadOnlyProperty()), value, read);
    }

    private static String latency(Stats stats, String percentile) {
        Double value = stats.routingLatencyMs().get(percentile);
        return value == null || value <= 0 ? "–" : figure(value); // 0: nothing routed in the last minute
    }

    /** A percentile of a timing a router may not send (older routers, saved sessions): "–" when absent. */
    private static String percentile(Map<String, Double> percentiles, String name) {
        Double value = percentiles.get(name);
        // 0: no reply in the router's last minute, so no percentile to show
        return value == null || value <= 0 ? "–" : figure(value);
    }

    /** A count with thousands separators: "1,936". */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /**
     * A measured figure to about three significant digits, as a reader takes it in at a glance:
     * "0.46", "2.35", "23.1", "201", "12,345" (the router's own figures have more digits than they
     * have meaning).
     */
    static String figure(double value) {
        double size = Math.abs(value);
        String pattern = size == 0 ? "%.0f" : size < 10 ? "%.2f" : size < 100 ? "%.1f" : "%,.0f";
        return String.format(Locale.ROOT, pattern, value);
    }

    @Override
    public void apply(MonitorBatch batch) {
        long now = batch.nowMillis();
        boolean sampled = false;
        for (MonitorFrame frame : batch.frames()) {
            Stats stats = frame.stats() != null ? frame.stats() : Stats.none();
            if (lastSampleAt < 0 || now - lastSampleAt >= 1000) {
                samples.add(new Sample((now - startedAt) / 1000.0, stats.messagesPerSecond(), stats.replyMs("p99"),
                        stats.runsInFlight()));
                lastSampleAt = now;
                sampled = true;
            }
        }
        ClusterPicture cluster = batch.cluster();
        if (cluster != null) {
            List<NodeRow> rows = cluster.nodes().stream().map(NodeRow::of).toList();
            if (!rows.equals(nodes)) {
                nodes.setAll(rows);
            }
            long up = cluster.nodes().stream().filter(ClusterPicture.Node::up).count();
            clusterSummary.set("Cluster: " + up + " of " + cluster.nodes().size() + " nodes up · Redis "
                    + cluster.clusterState() + " · figures are the cluster's totals (latency: the slowest node's)");
        }
        MonitorFrame latest = batch.latest();
        if (latest != null) {
            Stats stats = latest.stats() != null ? latest.stats() : Stats.none();
            readings.forEach(reading -> reading.value().set(reading.read().apply(stats)));
        }
        if (sampled) {
            if (samples.size() > sampleLimit) {
                samples.remove(0, samples.size() - sampleLimit);
            }
            double last = samples.get(samples.size() - 1).atSeconds();
            double lower = Math.max(0, last - 600);
            double upper = Math.max(60, last);
            window.set(new TimeWindow(lower, upper, Math.max(10, Math.ceil((upper - lower) / 60) * 10)));
        }
    }

    /** When the console started ({@link Sample#atSeconds()} counts from it), epoch milliseconds. */
    public long startedAtMillis() {
        return startedAt;
    }

    /** The headline figures, in the order shown. */
    public List<Figure> figures() {
        return figures;
    }

    /** A sample a second, oldest first, at most the limit's count. */
    public ObservableList<Sample> samples() {
        return samplesView;
    }

    /** One row per cluster node, sorted by id; empty for a router alone. */
    public ObservableList<NodeRow> nodes() {
        return nodesView;
    }

    /** "Cluster: 3 of 3 nodes up · …"; empty for a router alone. */
    public ReadOnlyStringProperty clusterSummaryProperty() {
        return clusterSummary.getReadOnlyProperty();
    }

    /** The chart's time axis: the last 10 minutes, at least one. */
    public ReadOnlyObjectProperty<TimeWindow> windowProperty() {
        return window.getReadOnlyProperty();
    }
}
