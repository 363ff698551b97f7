package dev.switchboard.console.ui.protection;

import dev.switchboard.console.ui.common.OperatorOnly;
import dev.switchboard.console.ui.common.Tables;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/**
 * Rate limits and rejections, queue depth per class, breaker states, backends, rollout and SLA guard;
 * an operator can force the selected breaker open or closed for a while, or put it back to normal,
 * and pause, slow down or fail a share of the selected backend's calls for a while.
 */
public final class ProtectionView extends VBox {
    private final ProtectionViewModel model;
    private final Label limits = new Label();
    private final Label queue = new Label();
    private final Label rollout = new Label();
    private final Label squeezed = new Label();
    private final TableView<ProtectionViewModel.BreakerRow> breakers = new TableView<>();
    private final TableView<ProtectionViewModel.BackendRow> backends = new TableView<>();

    private final ChoiceBox<ProtectionViewModel.ForceFor> forceFor = new ChoiceBox<>();
    private final Button forceOpen = new Button("Force open");
    private final Button forceClosed = new Button("Force closed");
    private final Button reset = new Button("Back to normal");
    private final Label actionResult = new Label();
    private final CheckBox paused = new CheckBox("paused");
    private final Spinner<Integer> latency = new Spinner<>(0, 60_000, 0, 100);
    private final Spinner<Integer> failing = new Spinner<>(0, 100, 0, 10);
    private final ChoiceBox<ProtectionViewModel.ForceFor> faultFor = new ChoiceBox<>();
    private final Button inject = new Button("Inject fault");
    private final Button lift = new Button("Back to normal");
    private final ObservableBooleanValue operator;

    /**
     * @param operator whether this console may take operator actions (force a breaker)
     */
    public ProtectionView(ProtectionViewModel model, ObservableBooleanValue operator) {
        this.model = model;
        this.operator = operator;
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
        squeezed.setId("protection-squeezed");
        squeezed.setWrapText(true);
        facts.addRow(3, new Label("Squeezed"), squeezed);
        Tables.fill(breakers, "protection-breakers", model.breakers(),
                "No breaker yet: one appears per handler type and backend once it is used.").setPrefHeight(160);
        Tables.textColumn(breakers, "Breaker", ProtectionViewModel.BreakerRow::name);
        Tables.textColumn(breakers, "State", ProtectionViewModel.BreakerRow::state);
        Tables.textColumn(breakers, "Forced", ProtectionViewModel.BreakerRow::forced);
        forceFor.setId("protection-force-for");
        forceFor.getItems().setAll(ProtectionViewModel.ForceFor.values());
        forceFor.setValue(ProtectionViewModel.ForceFor.TEN_MINUTES);
        forceFor.setTooltip(new Tooltip("A forced breaker goes back to normal by itself after this long"));
        forceOpen.setId("protection-force-open");
        forceClosed.setId("protection-force-closed");
        reset.setId("protection-breaker-reset");
        actionResult.setId("protection-action-result");
        BooleanBinding nothingSelected = breakers.getSelectionModel().selectedItemProperty().isNull();
        HBox breakerBar = new HBox(8, OperatorOnly.guard(forceOpen, operator, nothingSelected, "Forcing a breaker"),
                OperatorOnly.guard(forceClosed, operator, nothingSelected, "Forcing a breaker"), new Label("for"),
                forceFor, OperatorOnly.guard(reset, operator, nothingSelected, "Resetting a breaker"), actionResult);
        breakerBar.setAlignment(Pos.CENTER_LEFT);
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
        Tables.textColumn(backends, "Fault", ProtectionViewModel.BackendRow::fault);
        paused.setId("protection-fault-paused");
        latency.setId("protection-fault-latency");
        latency.setEditable(true);
        latency.setPrefWidth(100);
        failing.setId("protection-fault-failing");
        failing.setEditable(true);
        failing.setPrefWidth(80);
        faultFor.setId("protection-fault-for");
        faultFor.getItems().setAll(ProtectionViewModel.ForceFor.values());
        faultFor.setValue(ProtectionViewModel.ForceFor.TEN_MINUTES);
        inject.setId("protection-fault-inject");
        lift.setId("protection-fault-lift");
        BooleanBinding noBackend = backends.getSelectionModel().selectedItemProperty().isNull();
        HBox faultBar = new HBox(8, paused, new Label("latency ms"), latency, new Label("failing %"), failing,
                new Label("for"), faultFor, OperatorOnly.guard(inject, operator, noBackend, "Injecting a fault"),
                OperatorOnly.guard(lift, operator, noBackend, "Lifting a fault"));
        faultBar.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(facts, new Label("Circuit breakers"), breakers, breakerBar, new Label("Agent backends"),
                backends, faultBar);
    }

    private void initListeners() {
        limits.textProperty().bind(model.limitsProperty());
        queue.textProperty().bind(model.queueProperty());
        rollout.textProperty().bind(model.rolloutProperty());
        squeezed.textProperty().bind(model.squeezedProperty());
        actionResult.textProperty().bind(model.actionResultProperty());
        forceOpen.setOnAction(event -> force("force_open"));
        forceClosed.setOnAction(event -> force("force_closed"));
        reset.setOnAction(event -> force("reset"));
        inject.setOnAction(event -> {
            ProtectionViewModel.BackendRow row = backends.getSelectionModel().getSelectedItem();
            if (row != null) {
                model.injectFault(row.name(), paused.isSelected(), latency.getValue(), failing.getValue(),
                        faultFor.getValue());
            }
        });
        lift.setOnAction(event -> {
            ProtectionViewModel.BackendRow row = backends.getSelectionModel().getSelectedItem();
            if (row != null) {
                model.liftFault(row.name());
            }
        });
    }

    private void force(String action) {
        ProtectionViewModel.BreakerRow row = breakers.getSelectionModel().getSelectedItem();
        if (row != null) {
            model.force(row.name(), action, forceFor.getValue());
        }
    }
}
