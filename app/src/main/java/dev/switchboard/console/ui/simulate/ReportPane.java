package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.ui.common.Tables;
import dev.switchboard.console.ui.common.ValueCellFactory;
import java.io.File;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The end of a simulation: the verdict with <b>Save report…</b>, every check with what it counted
 * and, beside them, the latency table the {@code simulate} CLI prints (count, p50, p95, p99 and
 * max per measure). Both tables are as tall as their rows, so no check hides behind a scroll bar;
 * the pane asks for that height as its minimum.
 */
final class ReportPane extends VBox {
    /** Row height of both tables, and what their header and borders take. */
    private static final double ROW = 24;
    private static final double HEADER = 30;
    /** Rows kept free before a report (a report has five or six checks and five measures). */
    private static final int ROWS_BEFORE = 5;

    private final SimulateViewModel model;
    private final Label verdict = new Label();
    private final Button save = new Button("Save report…");
    private final TableView<SimReport.Check> checks = new TableView<>();
    private final TableView<LatencyRow> latency = new TableView<>();

    ReportPane(SimulateViewModel model) {
        super(6);
        this.model = model;
        createView();
        initListeners();
    }

    private void createView() {
        setPadding(new Insets(6, 0, 0, 0));
        verdict.setId("sim-verdict");
        verdict.getStyleClass().add("sim-verdict");
        save.setId("sim-save");
        save.setDisable(true);
        HBox head = new HBox(16, verdict, save);
        head.setAlignment(Pos.CENTER_LEFT);
        checksTable();
        latencyTable();
        HBox.setHgrow(checks, Priority.ALWAYS);
        HBox tables = new HBox(10, checks, latency);
        getChildren().addAll(head, tables);
        setMinHeight(Region.USE_PREF_SIZE);
    }

    private void checksTable() {
        checks.setId("sim-checks");
        checks.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        checks.setPlaceholder(Tables.placeholder("the checks appear when the simulation is done"));
        TableColumn<SimReport.Check, String> result = new ValueCellFactory<SimReport.Check, String>()
                .withStyleClass(text -> "PASS".equals(text) ? "sim-pass-text" : "sim-fail-text")
                .install(Tables.textColumn(checks, "result", check -> check.passed() ? "PASS" : "FAIL"));
        Tables.bounded(result, 60, 70);
        Tables.bounded(Tables.textColumn(checks, "check", SimReport.Check::name), 180, 240);
        // a long detail is cut where the window is narrow: its tooltip has it whole
        new ValueCellFactory<SimReport.Check, String>().withTooltip(Function.identity())
                .install(Tables.textColumn(checks, "detail", SimReport.Check::detail));
        sizeToRows(checks);
    }

    private void latencyTable() {
        latency.setId("sim-latency-table");
        latency.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        latency.setPlaceholder(Tables.placeholder("latency over the whole run, when it is done"));
        latency.setItems(model.latencyRows());
        Tables.bounded(Tables.textColumn(latency, "measure", LatencyRow::measure), 100, 140);
        TableColumn<LatencyRow, Long> count = new ValueCellFactory<LatencyRow, Long>()
                .withText(value -> String.format(Locale.ROOT, "%,d", value))
                .install(Tables.valueColumn(latency, "count", LatencyRow::count));
        count.setStyle("-fx-alignment: CENTER-RIGHT;");
        Tables.bounded(count, 70, 90);
        millisColumn("p50 (ms)", LatencyRow::p50Ms);
        millisColumn("p95 (ms)", LatencyRow::p95Ms);
        millisColumn("p99 (ms)", LatencyRow::p99Ms);
        millisColumn("max (ms)", LatencyRow::maxMs);
        latency.setPrefWidth(100 + 70 + 4 * 78 + 4);
        latency.setMinWidth(Region.USE_PREF_SIZE);
        sizeToRows(latency);
    }

    /** A right-aligned column of milliseconds with two decimals, as the CLI prints them; "–" for none. */
    private void millisColumn(String title, ToDoubleFunction<LatencyRow> value) {
        TableColumn<LatencyRow, Double> column = new ValueCellFactory<LatencyRow, Double>()
                .withText(ms -> Double.isNaN(ms) ? "–" : String.format(Locale.ROOT, "%.2f", ms))
                .install(Tables.valueColumn(latency, title, value::applyAsDouble));
        column.setStyle("-fx-alignment: CENTER-RIGHT;");
        Tables.bounded(column, 78, 100);
    }

    /** As tall as the rows of both tables (no scroll bar), and as tall before the first report. */
    private void sizeToRows(TableView<?> table) {
        table.setFixedCellSize(ROW);
        table.prefHeightProperty().bind(Bindings.max(ROWS_BEFORE,
                Bindings.max(Bindings.size(checks.getItems()), Bindings.size(latency.getItems())))
                .multiply(ROW).add(HEADER));
        table.setMinHeight(Region.USE_PREF_SIZE);
    }

    private void initListeners() {
        save.setOnAction(event -> saveReport());
        model.reportProperty().addListener((observable, before, report) -> show(report));
    }

    private void show(SimReport report) {
        verdict.getStyleClass().removeAll("sim-pass", "sim-fail");
        save.setDisable(report == null);
        if (report == null) {
            verdict.setText("");
            checks.getItems().clear();
            return;
        }
        verdict.setText(report.passed() ? "PASS" : "FAIL");
        verdict.getStyleClass().add(report.passed() ? "sim-pass" : "sim-fail");
        checks.getItems().setAll(report.checks());
    }

    private void saveReport() {
        SimReport report = model.reportProperty().get();
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the report (JSON, with the per-user table as CSV beside it)");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Reports (*.json)", "*.json"));
        chooser.setInitialFileName(report == null ? "report.json" : report.scenario() + "-report.json");
        File file = chooser.showSaveDialog(getScene().getWindow());
        if (file != null) {
            model.saveReport(file.toPath());
        }
    }
}
