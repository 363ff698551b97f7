package dev.switchboard.console.ui.protection;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.common.Tables;
import dev.switchboard.router.monitor.wire.ProtectionState;
import dev.switchboard.router.monitor.wire.Stats;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** Rate limits and rejections, queue depth per class, breaker states, backends, rollout and SLA guard. */
public final class ProtectionView extends VBox {
    private final ConsoleState state;
    private final Label limits = new Label();
    private final Label queue = new Label();
    private final Label rollout = new Label();
    private final TableView<List<String>> breakers = table("protection-breakers", "Breaker", "State");
    private final TableView<List<String>> backends = table("protection-backends", "Backend", "Healthy", "Breaker",
            "In flight", "Runs", "Failures", "Avg ms");

    public ProtectionView(ConsoleState state) {
        this.state = state;
        createView();
        state.protectionProperty().addListener((observable, before, now) -> refresh());
    }

    private void createView() {
        setId("protection");
        setSpacing(8);
        setPadding(new Insets(12));
        limits.setId("protection-limits");
        queue.setId("protection-queue");
        rollout.setId("protection-rollout");
        rollout.setWrapText(true);
        GridPane facts = new GridPane();
        facts.setHgap(12);
        facts.setVgap(6);
        facts.addRow(0, new Label("Rate limits"), limits);
        facts.addRow(1, new Label("Queue"), queue);
        facts.addRow(2, new Label("Rollout"), rollout);
        getChildren().addAll(facts, new Label("Circuit breakers"), breakers, new Label("Agent backends"), backends);
    }

    private static TableView<List<String>> table(String id, String... titles) {
        TableView<List<String>> table = Tables.fill(new TableView<>(), id, FXCollections.observableArrayList());
        table.setPrefHeight(160);
        for (int i = 0; i < titles.length; i++) {
            int index = i;
            Tables.textColumn(table, titles[i], row -> row.get(index));
        }
        return table;
    }

    private void refresh() {
        ProtectionState protection = state.protectionProperty().get();
        Stats stats = state.statsProperty().get();
        if (protection == null) {
            return;
        }
        ProtectionState.RateLimits rateLimits = protection.rateLimits();
        if (rateLimits != null) {
            limits.setText(String.format("user %s · connection %s · liveness %s · %d overrides · %s refused",
                    bucket(rateLimits.user()), bucket(rateLimits.connection()), bucket(rateLimits.liveness()),
                    rateLimits.overrides().size(), stats == null ? "0" : Long.toString(stats.rateLimited())));
        }
        StringBuilder depth = new StringBuilder();
        if (stats != null) {
            stats.queueDepth().forEach((priority, waiting) ->
                    depth.append(priority).append(' ').append(waiting).append("  "));
        }
        ProtectionState.Queue policy = protection.queue();
        queue.setText(depth + "(capacity " + (policy == null ? 0 : policy.capacity()) + ", per user "
                + (policy == null ? 0 : policy.perUser()) + ")");
        ProtectionState.Rollout r = protection.rollout();
        if (r != null) {
            ProtectionState.SlaWindow candidate = window(r.candidateWindow());
            rollout.setText(r.mode() + (r.candidate() != null ? " · candidate " + r.candidate() + " · " + r.percent()
                    + "%" : "") + " · candidate p95 " + candidate.p95Ms() + " ms, success " + candidate.successRate()
                    + " over " + candidate.samples() + " · stable p95 " + window(r.stableWindow()).p95Ms() + " ms"
                    + (r.rollbackReason() != null ? " · rolled back: " + r.rollbackReason() : ""));
        }
        List<List<String>> breakerRows = new ArrayList<>();
        protection.breakers().forEach((name, breakerState) -> breakerRows.add(List.of(name, breakerState)));
        if (!breakerRows.equals(breakers.getItems())) {
            breakers.getItems().setAll(breakerRows);
        }
        List<List<String>> backendRows = new ArrayList<>();
        for (ProtectionState.Backend backend : protection.backends()) {
            backendRows.add(List.of(backend.name(), Boolean.toString(backend.healthy()), String.valueOf(backend.breaker()),
                    Integer.toString(backend.inFlight()), Long.toString(backend.runs()), Long.toString(backend.failures()),
                    Long.toString(backend.averageLatencyMs())));
        }
        if (!backendRows.equals(backends.getItems())) {
            backends.getItems().setAll(backendRows);
        }
    }

    private static ProtectionState.SlaWindow window(ProtectionState.SlaWindow window) {
        return window != null ? window : new ProtectionState.SlaWindow(0, 0, 0);
    }

    private static String bucket(ProtectionState.Limit limit) {
        return limit == null ? "?" : limit.perMinute() + "/min burst " + limit.burst();
    }
}
