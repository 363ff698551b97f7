package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.simulate.Simulation;
import dev.switchboard.console.simulate.VirtualUser;
import dev.switchboard.console.ui.common.SlidingWindowChart;
import dev.switchboard.console.ui.common.StatTile;
import dev.switchboard.console.ui.common.Tables;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import javafx.collections.ListChangeListener;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

/**
 * The simulate panel: choose a scenario (and a user count), start it against the router the
 * console is attached to (or against the nodes of a cluster typed as router URLs), and watch its progress, counters, interval latency and per-user rows
 * until the verdict and its checks. Everything shown comes from {@link SimulateViewModel}'s
 * properties, which change at most twice a second.
 */
public final class SimulateView extends BorderPane {
    private final SimulateViewModel model;
    private final ComboBox<Path> scenarioBox = new ComboBox<>();
    private final TextField usersField = new TextField();
    private final TextField secretEnvField = new TextField();
    private final TextField urlsField = new TextField();
    private final Button open = new Button("Open…");
    private final Button start = new Button("Start");
    private final Button stop = new Button("Stop");
    private final Label description = new Label();
    private final Label problem = new Label();
    private final Label note = new Label();
    private final ProgressBar progressBar = new ProgressBar(0);
    private final Label status = new Label();
    private final List<Counter> counters = new ArrayList<>();
    private final NumberAxis timeAxis = SlidingWindowChart.timeAxis();
    private final List<XYChart.Series<Number, Number>> series = new ArrayList<>();
    private final TableView<VirtualUser.UserRow> userTable = new TableView<>();
    private final Label rowsCaption = new Label();
    private final Label verdict = new Label();
    private final TableView<SimReport.Check> checks = new TableView<>();
    private final Button save = new Button("Save report…");

    private record Counter(Label value, ToLongFunction<Simulation.Progress> read, boolean alarming) {
    }

    /** One chart line: its name and which figure of a sample it draws. */
    private record Line(String name, ToDoubleFunction<LatencySample> read) {
    }

    private static final List<Line> LINES = List.of(
            new Line("ack p50", LatencySample::ackP50), new Line("ack p99", LatencySample::ackP99),
            new Line("first event p50", LatencySample::firstEventP50),
            new Line("first event p99", LatencySample::firstEventP99),
            new Line("ping p50", LatencySample::pingP50), new Line("ping p99", LatencySample::pingP99));

    public SimulateView(SimulateViewModel model) {
        this.model = model;
        createView();
        initListeners();
    }

    private void createView() {
        setId("simulate");
        getStylesheets().add(SimulateView.class.getResource("/dev/switchboard/console/simulate.css").toExternalForm());
        setPadding(new Insets(8, 12, 8, 12));
        setUpMessages();
        VBox top = new VBox(6, controls(), urlsRow(), description, problem, note, progressRow(), counterTiles());
        top.setPadding(new Insets(0, 0, 8, 0));
        setTop(top);

        SplitPane middle = new SplitPane(chart(), users());
        middle.setDividerPositions(0.5);
        SplitPane body = new SplitPane(middle, verdictBox());
        body.setOrientation(Orientation.VERTICAL);
        body.setDividerPositions(0.6);
        setCenter(body);
    }

    /** Scenario, users and secret fields with the open, start and stop buttons. */
    private HBox controls() {
        scenarioBox.setId("sim-scenario");
        scenarioBox.setItems(model.scenarioFiles());
        scenarioBox.setCellFactory(list -> new FileNameCell());
        scenarioBox.setButtonCell(new FileNameCell());
        scenarioBox.setPrefWidth(180);
        open.setId("sim-open");
        usersField.setId("sim-users");
        usersField.setPrefColumnCount(6);
        secretEnvField.setId("sim-secret-env");
        secretEnvField.setPrefColumnCount(20);
        secretEnvField.setPromptText("e.g. SWITCHBOARD_JWT_SECRET");
        start.setId("sim-start");
        start.setDefaultButton(true);
        stop.setId("sim-stop");
        HBox controls = new HBox(8, new Label("Scenario"), scenarioBox, open, new Label("Users"), usersField,
                new Label("JWT secret env var"), secretEnvField, start, stop);
        controls.setAlignment(Pos.CENTER_LEFT);
        return controls;
    }

    /** Where users connect: blank for this router, or the nodes of a cluster. */
    private HBox urlsRow() {
        urlsField.setId("sim-urls");
        urlsField.setPromptText("this router; for a cluster its nodes, e.g. ws://127.0.0.1:8765/ws, ws://127.0.0.1:8775/ws");
        HBox.setHgrow(urlsField, Priority.ALWAYS);
        HBox row = new HBox(8, new Label("Router URLs"), urlsField);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    /** The scenario's description, the problem with what was typed, and a note. */
    private void setUpMessages() {
        description.setId("sim-description");
        description.setWrapText(true);
        problem.setId("sim-problem");
        problem.getStyleClass().add("sim-problem");
        note.setId("sim-note");
        note.getStyleClass().add("sim-note");
        note.setWrapText(true);
        for (Label label : List.of(problem, note)) {
            // an empty line takes no room
            label.managedProperty().bind(label.textProperty().isNotEmpty());
            label.visibleProperty().bind(label.managedProperty());
        }
    }

    private HBox progressRow() {
        progressBar.setId("sim-progress");
        progressBar.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(progressBar, Priority.ALWAYS);
        status.setId("sim-status");
        status.setMinWidth(320);
        HBox progressRow = new HBox(10, progressBar, status);
        progressRow.setAlignment(Pos.CENTER_LEFT);
        return progressRow;
    }

    private FlowPane counterTiles() {
        FlowPane tiles = new FlowPane(10, 10);
        counter(tiles, "connected", "Users connected", Simulation.Progress::connectedUsers, false);
        counter(tiles, "sent", "Sent", Simulation.Progress::sent, false);
        counter(tiles, "received", "Received", Simulation.Progress::received, false);
        counter(tiles, "runs-started", "Runs started", Simulation.Progress::runsStarted, false);
        counter(tiles, "runs-ended", "Runs ended", Simulation.Progress::runsEnded, false);
        counter(tiles, "errors", "Errors", Simulation.Progress::errors, false);
        counter(tiles, "isolation", "Isolation violations", Simulation.Progress::isolationViolations, true);
        counter(tiles, "connection-failures", "Connection failures", Simulation.Progress::connectionFailures, true);
        return tiles;
    }

    private void counter(FlowPane tiles, String id, String title, ToLongFunction<Simulation.Progress> read,
                         boolean alarming) {
        counters.add(new Counter(StatTile.addTo(tiles, "sim-" + id, title), read, alarming));
    }

    private LineChart<Number, Number> chart() {
        timeAxis.setLowerBound(0);
        timeAxis.setUpperBound(10);
        timeAxis.setTickUnit(1);
        NumberAxis msAxis = new NumberAxis();
        msAxis.setLabel("ms");
        LineChart<Number, Number> chart = SlidingWindowChart.lineChart("sim-latency-chart",
                "Latency per half-second interval (last 120 s)", timeAxis, msAxis);
        for (Line line : LINES) {
            series.add(SlidingWindowChart.addSeries(chart, line.name()));
        }
        return chart;
    }

    private VBox users() {
        userTable.setId("sim-users-table");
        userTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        userTable.setPlaceholder(new Label("no users yet"));
        Tables.textColumn(userTable, "user", VirtualUser.UserRow::user).setMinWidth(110);
        Tables.textColumn(userTable, "group", VirtualUser.UserRow::group).setMinWidth(80);
        Tables.numberColumn(userTable, "conns", VirtualUser.UserRow::openConnections);
        Tables.numberColumn(userTable, "sent", VirtualUser.UserRow::sent);
        Tables.numberColumn(userTable, "recv", VirtualUser.UserRow::received);
        Tables.numberColumn(userTable, "runs", VirtualUser.UserRow::runsStarted);
        Tables.numberColumn(userTable, "done", VirtualUser.UserRow::runsCompleted);
        Tables.numberColumn(userTable, "errors", VirtualUser.UserRow::errors);
        Tables.numberColumn(userTable, "isolation", VirtualUser.UserRow::isolationViolations);
        SortedList<VirtualUser.UserRow> sorted = new SortedList<>(model.rows());
        sorted.comparatorProperty().bind(userTable.comparatorProperty());
        userTable.setItems(sorted);
        rowsCaption.setId("sim-rows-caption");
        rowsCaption.getStyleClass().add("sim-note");
        VBox box = new VBox(4, userTable, rowsCaption);
        VBox.setVgrow(userTable, Priority.ALWAYS);
        return box;
    }

    private VBox verdictBox() {
        verdict.setId("sim-verdict");
        verdict.getStyleClass().add("sim-verdict");
        save.setId("sim-save");
        save.setDisable(true);
        HBox head = new HBox(16, verdict, save);
        head.setAlignment(Pos.CENTER_LEFT);
        checks.setId("sim-checks");
        checks.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        checks.setPlaceholder(new Label("the checks appear when the simulation is done"));
        TableColumn<SimReport.Check, String> result = Tables.textColumn(checks, "result",
                check -> check.passed() ? "PASS" : "FAIL");
        result.setMaxWidth(70);
        result.setMinWidth(60);
        result.setCellFactory(column -> new ResultCell());
        TableColumn<SimReport.Check, String> name = Tables.textColumn(checks, "check", SimReport.Check::name);
        name.setMinWidth(180);
        name.setMaxWidth(240);
        Tables.textColumn(checks, "detail", SimReport.Check::detail);
        VBox box = new VBox(6, head, checks);
        box.setPadding(new Insets(6, 0, 0, 0));
        VBox.setVgrow(checks, Priority.ALWAYS);
        return box;
    }

    private void initListeners() {
        scenarioBox.valueProperty().bindBidirectional(model.scenarioFileProperty());
        usersField.textProperty().bindBidirectional(model.usersProperty());
        secretEnvField.textProperty().bindBidirectional(model.secretEnvProperty());
        urlsField.textProperty().bindBidirectional(model.urlsProperty());
        open.setOnAction(event -> openScenario());
        start.setOnAction(event -> model.start());
        stop.setOnAction(event -> model.stop());
        save.setOnAction(event -> saveReport());
        start.disableProperty().bind(model.startableProperty().not());
        stop.disableProperty().bind(model.busyProperty().not());
        scenarioBox.disableProperty().bind(model.busyProperty());
        open.disableProperty().bind(model.busyProperty());
        usersField.disableProperty().bind(model.busyProperty());
        secretEnvField.disableProperty().bind(model.busyProperty());
        urlsField.disableProperty().bind(model.busyProperty());
        problem.textProperty().bind(model.problemProperty());
        note.textProperty().bind(model.noteProperty());
        status.textProperty().bind(model.statusProperty());
        rowsCaption.textProperty().bind(model.rowsCaptionProperty());
        model.scenarioProperty().addListener((observable, before, scenario) -> describe(scenario));
        model.usersProperty().addListener((observable, before, users) -> describe(model.scenarioProperty().get()));
        describe(model.scenarioProperty().get());
        model.progressProperty().addListener((observable, before, progress) -> showProgress(progress));
        model.latency().addListener((ListChangeListener<LatencySample>) change -> redrawChart());
        model.reportProperty().addListener((observable, before, report) -> showReport(report));
    }

    /** The scenario in one line, with the user count it will run (the typed one, when valid). */
    private void describe(Scenario scenario) {
        if (scenario == null) {
            description.setText("");
            usersField.setPromptText("");
            return;
        }
        usersField.setPromptText(Integer.toString(scenario.totalUsers()));
        Scenario run = model.problemProperty().get().isEmpty() ? model.effectiveScenario() : scenario;
        String length = run.durationMs() > 0 ? String.format(Locale.ROOT, "%.0f s", run.durationMs() / 1000.0)
                : String.format(Locale.ROOT, "%,d messages",
                        run.groups().stream().mapToLong(group -> (long) group.users() * group.messagesPerUser()).sum());
        String users = run.totalUsers() == scenario.totalUsers() ? run.totalUsers() + " users"
                : run.totalUsers() + " users (the file has " + scenario.totalUsers() + ")";
        description.setText(String.format(Locale.ROOT, "%s — %s in %d group(s), %s, then up to %.0f s draining. %s",
                scenario.name(), users, scenario.groups().size(), length, scenario.drainMs() / 1000.0,
                scenario.description()));
    }

    private void showProgress(Simulation.Progress progress) {
        if (progress == null) {
            progressBar.setProgress(0);
            counters.forEach(counter -> {
                counter.value().setText("–");
                counter.value().getStyleClass().remove("sim-alarm");
            });
            return;
        }
        progressBar.setProgress(progress.fraction());
        for (Counter counter : counters) {
            long value = counter.read().applyAsLong(progress);
            String text = String.format(Locale.ROOT, "%,d", value);
            if (counter.value().getId().equals("sim-connected")) {
                text += " / " + progress.users();
            }
            counter.value().setText(text);
            boolean alarm = counter.alarming() && value > 0;
            if (alarm != counter.value().getStyleClass().contains("sim-alarm")) {
                if (alarm) {
                    counter.value().getStyleClass().add("sim-alarm");
                } else {
                    counter.value().getStyleClass().remove("sim-alarm");
                }
            }
        }
    }

    /** Rebuilds every line with one setAll each (the window is bounded, so is the work). */
    private void redrawChart() {
        List<LatencySample> samples = model.latency();
        for (int i = 0; i < LINES.size(); i++) {
            ToDoubleFunction<LatencySample> read = LINES.get(i).read();
            List<XYChart.Data<Number, Number>> points = new ArrayList<>(samples.size());
            for (LatencySample sample : samples) {
                double value = read.applyAsDouble(sample);
                if (!Double.isNaN(value)) {
                    points.add(new XYChart.Data<>(sample.atSeconds(), value));
                }
            }
            XYChart.Series<Number, Number> line = series.get(i);
            line.getData().setAll(points);
            // a LineChart keeps drawing the old path of a series whose data became empty (seen
            // here: the previous run's ping line under a run without pings): hide it instead
            if (line.getNode() != null) {
                line.getNode().setVisible(!points.isEmpty());
            }
        }
        // at least 10 s wide, so that a short run such as smoke is not squeezed against the axis
        double last = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).atSeconds();
        double lower = Math.floor(Math.max(0, last - SimulateViewModel.CHART_SECONDS) / 5) * 5;
        double upper = Math.max(lower + 10, Math.ceil(last / 5) * 5);
        timeAxis.setLowerBound(lower);
        timeAxis.setUpperBound(upper);
        timeAxis.setTickUnit(upper - lower <= 10 ? 1 : upper - lower <= 40 ? 5 : 10);
    }

    private void showReport(SimReport report) {
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

    private void openScenario() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a scenario");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenarios (*.json)", "*.json"));
        Path current = model.scenarioFileProperty().get();
        if (current != null && current.toAbsolutePath().getParent() != null) {
            chooser.setInitialDirectory(current.toAbsolutePath().getParent().toFile());
        }
        File file = chooser.showOpenDialog(getScene().getWindow());
        if (file != null) {
            model.scenarioFileProperty().set(file.toPath());
        }
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

    /** Shows a scenario file by its name. */
    private static final class FileNameCell extends ListCell<Path> {
        @Override
        protected void updateItem(Path file, boolean empty) {
            super.updateItem(file, empty);
            setText(empty || file == null ? null : file.getFileName().toString().replaceFirst("\\.json$", ""));
        }
    }

    /** PASS in green, FAIL in red. */
    private static final class ResultCell extends TableCell<SimReport.Check, String> {
        @Override
        protected void updateItem(String result, boolean empty) {
            super.updateItem(result, empty);
            getStyleClass().removeAll("sim-pass-text", "sim-fail-text");
            setText(empty ? null : result);
            if (!empty && result != null) {
                getStyleClass().add("PASS".equals(result) ? "sim-pass-text" : "sim-fail-text");
            }
        }
    }
}
