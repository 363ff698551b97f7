package dev.switchboard.console.ui.protection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.common.Tables;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
        JsonNode protection = state.protectionProperty().get();
        JsonNode stats = state.statsProperty().get();
        if (protection == null || protection.isMissingNode()) {
            return;
        }
        JsonNode rateLimits = protection.path("rate_limits");
        limits.setText(String.format("user %s · connection %s · liveness %s · %d overrides · %s refused",
                bucket(rateLimits.path("user")), bucket(rateLimits.path("connection")),
                bucket(rateLimits.path("liveness")), rateLimits.path("overrides").size(),
                stats == null ? "0" : stats.path("rate_limited").asText("0")));
        StringBuilder depth = new StringBuilder();
        if (stats != null) {
            stats.path("queue_depth").fields().forEachRemaining(entry ->
                    depth.append(entry.getKey()).append(' ').append(entry.getValue().asInt()).append("  "));
        }
        queue.setText(depth + "(capacity " + protection.path("queue").path("capacity").asInt() + ", per user "
                + protection.path("queue").path("per_user").asInt() + ")");
        JsonNode r = protection.path("rollout");
        rollout.setText(r.path("mode").asText() + (r.path("candidate").isTextual() ? " · candidate "
                + r.path("candidate").asText() + " · " + r.path("percent").asInt() + "%" : "")
                + " · candidate p95 " + r.path("candidate_window").path("p95_ms").asLong() + " ms, success "
                + r.path("candidate_window").path("success_rate").asDouble() + " over "
                + r.path("candidate_window").path("samples").asInt() + " · stable p95 "
                + r.path("stable_window").path("p95_ms").asLong() + " ms"
                + (r.path("rollback_reason").isTextual() ? " · rolled back: " + r.path("rollback_reason").asText() : ""));
        List<List<String>> breakerRows = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> states = protection.path("breakers").fields();
        states.forEachRemaining(entry -> breakerRows.add(List.of(entry.getKey(), entry.getValue().asText())));
        if (!breakerRows.equals(breakers.getItems())) {
            breakers.getItems().setAll(breakerRows);
        }
        List<List<String>> backendRows = new ArrayList<>();
        for (JsonNode backend : protection.path("backends")) {
            backendRows.add(List.of(backend.path("name").asText(), backend.path("healthy").asText(),
                    backend.path("breaker").asText(), backend.path("in_flight").asText(), backend.path("runs").asText(),
                    backend.path("failures").asText(), backend.path("average_latency_ms").asText()));
        }
        if (!backendRows.equals(backends.getItems())) {
            backends.getItems().setAll(backendRows);
        }
    }

    private static String bucket(JsonNode limit) {
        return limit.path("per_minute").asText() + "/min burst " + limit.path("burst").asText();
    }
}
