package dev.switchboard.console.ui.types;

import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.state.TypeRow;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.Stats;
import dev.switchboard.router.routing.RoutingStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The message-types view's state: per type, the count on every frame and the rate over the last
 * whole second (worked out once a second). The list changes only when a figure does. No scene
 * graph.
 */
public final class TypesViewModel implements MonitorBatch.Listener {

    private final ObservableList<TypeRow> types = FXCollections.observableArrayList();
    private final ObservableList<TypeRow> typesView = FXCollections.unmodifiableObservableList(types);
    private final Map<String, Long> lastCounts = new HashMap<>();
    private long lastRateAt = -1;

    @Override
    public void apply(MonitorBatch batch) {
        for (MonitorFrame frame : batch.frames()) {
            Stats stats = frame.stats() != null ? frame.stats() : Stats.none();
            long now = batch.nowMillis();
            boolean rateDue = lastRateAt < 0 || now - lastRateAt >= 1000;
            apply(stats, rateDue, lastRateAt < 0 ? 0 : now - lastRateAt);
            if (rateDue) {
                lastRateAt = now;
            }
        }
    }

    /** Counts on every frame; rates over the last whole second (when one is due). */
    private void apply(Stats stats, boolean rateDue, long elapsedMs) {
        Map<String, Double> previousRates = new HashMap<>();
        types.forEach(row -> previousRates.put(row.type(), row.rate()));
        // the served types in the router's order, then any that only ever had errors (all refused,
        // say by a rate limit), then what no handler serves and what never had a type
        Map<String, Long> counts = new LinkedHashMap<>(stats.byType());
        stats.errorsSentByType().keySet().stream()
                .filter(type -> !type.equals(RoutingStats.RUN_ERRORS) && !type.startsWith("("))
                .forEach(type -> counts.putIfAbsent(type, 0L));
        long unknown = stats.errorsSentByType().getOrDefault(RoutingStats.UNKNOWN_TYPES, 0L);
        if (stats.unhandled() > 0 || unknown > 0) {
            counts.put(RoutingStats.UNKNOWN_TYPES, stats.unhandled());
        }
        long refused = stats.errorsSentByType().getOrDefault(RoutingStats.REFUSED_FRAMES, 0L);
        if (refused > 0) {
            counts.put(RoutingStats.REFUSED_FRAMES, refused); // each refused frame is answered with one error
        }
        List<TypeRow> rows = new ArrayList<>();
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            long count = entry.getValue() == null ? 0 : entry.getValue();
            double rate = previousRates.getOrDefault(entry.getKey(), 0.0);
            if (rateDue) {
                long before = lastCounts.getOrDefault(entry.getKey(), count);
                lastCounts.put(entry.getKey(), count);
                rate = elapsedMs <= 0 ? 0 : Math.round((count - before) * 10_000.0 / elapsedMs) / 10.0;
            }
            Long errors = stats.errorsByType().get(entry.getKey());
            rows.add(new TypeRow(entry.getKey(), count, rate, stats.errorsSentByType().getOrDefault(entry.getKey(), 0L),
                    errors == null ? 0 : errors));
        }
        if (!rows.equals(types)) {
            types.setAll(rows);
        }
    }

    /** One row per message type, in the router's order. */
    public ObservableList<TypeRow> types() {
        return typesView;
    }
}
