package dev.switchboard.console.ui.types;

import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.state.TypeRow;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.Stats;
import java.util.ArrayList;
import java.util.HashMap;
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
        List<TypeRow> rows = new ArrayList<>();
        for (Map.Entry<String, Long> entry : stats.byType().entrySet()) {
            long count = entry.getValue() == null ? 0 : entry.getValue();
            double rate = previousRates.getOrDefault(entry.getKey(), 0.0);
            if (rateDue) {
                long before = lastCounts.getOrDefault(entry.getKey(), count);
                lastCounts.put(entry.getKey(), count);
                rate = elapsedMs <= 0 ? 0 : Math.round((count - before) * 10_000.0 / elapsedMs) / 10.0;
            }
            Long errors = stats.errorsByType().get(entry.getKey());
            rows.add(new TypeRow(entry.getKey(), count, rate, errors == null ? 0 : errors));
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
