package dev.switchboard.console.ui.protection;

import dev.switchboard.console.ui.common.Tables;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** Rate limits and rejections, queue depth per class, breaker states, backends, rollout and SLA guard. */
public final class ProtectionView extends VBox {
    private final ProtectionViewModel model;
    private final Label limits = new Label();
    private final Label queue = new Label();
    private final Label rollout = new Label();
    private final TableView<ProtectionViewModel.BreakerRow> breakers = new TableView<>();
    private final TableView<ProtectionViewModel.BackendRow> backends = new TableView<>();

    public ProtectionView(ProtectionViewModel model) {
        this.model = model;
        createView();
        initListeners();
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
        Tables.fill(breakers, "protection-breakers", model.breakers(),
                "No breaker yet: one appears per handler type and backend once it is used.").setPrefHeight(160);
        Tables.textColumn(breakers, "Breaker", ProtectionViewModel.BreakerRow::name);
        Tables.textColumn(breakers, "State", ProtectionViewModel.BreakerRow::state);
        Tables.fill(backends, "protection-backends", model.backends()).setPrefHeight(160);
        Tables.textColumn(backends, "Backend", ProtectionViewModel.BackendRow::name);
        Tables.textColumn(backends, "Kind", ProtectionViewModel.BackendRow::kind);
        Tables.textColumn(backends, "URL", ProtectionViewModel.BackendRow::url);
        Tables.textColumn(backends, "Health", ProtectionViewModel.BackendRow::health);
        Tables.textColumn(backends, "Breaker", ProtectionViewModel.BackendRow::breaker);
        Tables.numberColumn(backends, "In flight", ProtectionViewModel.BackendRow::inFlight);
        Tables.numberColumn(backends, "Runs", ProtectionViewModel.BackendRow::runs);
        Tables.numberColumn(backends, "Failures", ProtectionViewModel.BackendRow::failures);
        Tables.numberColumn(backends, "p50 ms", ProtectionViewModel.BackendRow::p50Ms);
        Tables.numberColumn(backends, "p95 ms", ProtectionViewModel.BackendRow::p95Ms);
        Tables.textColumn(backends, "Last failure", ProtectionViewModel.BackendRow::lastFailure);
        getChildren().addAll(facts, new Label("Circuit breakers"), breakers, new Label("Agent backends"), backends);
    }

    private void initListeners() {
        limits.textProperty().bind(model.limitsProperty());
        queue.textProperty().bind(model.queueProperty());
        rollout.textProperty().bind(model.rolloutProperty());
    }
}
