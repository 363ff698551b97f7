package dev.switchboard.console.ui.simulate;

import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.simulate.Simulation;
import dev.switchboard.console.simulate.VirtualUser;
import dev.switchboard.console.ui.common.NaturalOrder;
import dev.switchboard.console.ui.common.StatTile;
import dev.switchboard.console.ui.common.Tables;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.collections.ListChangeListener;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListCell;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.stage.FileChooser;

/**
 * The simulate panel: choose a scenario (and a user count), start it against the router the
 * console is attached to (or against the nodes of a cluster typed as router URLs), and watch its
 * progress with the time elapsed and left, the counters, the interval latency ({@link LatencyCharts})
 * and the per-user rows until the report ({@link ReportPane}): the verdict, its checks and the
 * latency table. Record… ({@link RecordDialog}) records the router's traffic into a scenario file,
 * its progress in a row of its own, and the file becomes the chosen scenario. Everything shown
 * comes from {@link SimulateViewModel}'s properties, which change at most twice a second.
 */
public final class SimulateView extends BorderPane {
    /** What a column header takes besides its title: its padding and the sort arrow. */
    private static final double HEADER_ROOM = 26;

    private final SimulateViewModel model;
    private final ComboBox<Path> scenarioBox = new ComboBox<>();
    private final TextField usersField = new TextField();
    private final TextField secretEnvField = new TextField();
    private final TextField urlsField = new TextField();
    private final Button open = new Button("Open…");
    private final Button record = new Button("Record…");
    private final ProgressBar recordProgress = new ProgressBar(0);
    private final Label recordStatus = new Label();
    private final Label recordDot = new Label("●");
    private final Button recordStop = new Button("Stop recording");
    private final Button start = new Button("Start");
    private final Button stop = new Button("Stop");
    private final Label description = new Label();
    private final Label problem = new Label();
    private final Label note = new Label();
    private final ProgressBar progressBar = new ProgressBar(0);
    private final Label status = new Label();
    private final List<Counter> counters = new ArrayList<>();
    private final Label inProcessNote = new Label();
    private final LatencyCharts charts = new LatencyCharts();
    private final TableView<VirtualUser.UserRow> userTable = new TableView<>();
    private final Label rowsCaption = new Label();
    private final ReportPane report;

    private record Counter(Label value, ToLongFunction<Simulation.Progress> read, boolean alarming) {
    }

    public SimulateView(SimulateViewModel model) {
        this.model = model;
        this.report = new ReportPane(model);
        createView();
        initListeners();
    }

    private void createView() {
        setId("simulate");
        getStylesheets().add(SimulateView.class.getResource("/dev/switchboard/console/simulate.css").toExternalForm());
        setPadding(new Insets(8, 12, 8, 12));
        setUpMessages();
        FlowPane notes = new FlowPane(16, 2, note, inProcessNote);
        VBox top = new VBox(6, controls(), urlsRow(), description, problem, notes, recordRow(), progressRow(),
                counterTiles());
        top.setPadding(new Insets(0, 0, 8, 0));
        setTop(top);

        SplitPane middle = new SplitPane(charts, users());
        middle.setDividerPositions(0.5);
        // the report keeps the height of its rows (its minimum); the charts and users take the rest
        SplitPane body = new SplitPane(middle, report);
        body.setOrientation(Orientation.VERTICAL);
        body.setDividerPositions(1);
        SplitPane.setResizableWithParent(report, false);
        setCenter(body);
    }

    /** Scenario, users and secret fields with the open, start and stop buttons. */
    private HBox controls() {
        scenarioBox.setId("sim-scenario");
        scenarioBox.setItems(model.scenarioFiles());
        scenarioBox.setCellFactory(list -> new FileNameCell());
        scenarioBox.setButtonCell(new FileNameCell());
        scenarioBox.setPrefWidth(280); // a recording's name whole: recording-20261201-114014.rec
        open.setId("sim-open");
        usersField.setId("sim-users");
        usersField.setPrefColumnCount(6);
        secretEnvField.setId("sim-secret-env");
        secretEnvField.setPrefColumnCount(20);
        secretEnvField.setPromptText("e.g. SWITCHBOARD_JWT_SECRET");
        start.setId("sim-start");
        start.setDefaultButton(true);
        stop.setId("sim-stop");
        record.setId("sim-record");
        record.setTooltip(new Tooltip("Record the traffic users send to the router into a scenario file"));
        HBox controls = new HBox(8, new Label("Scenario"), scenarioBox, open, record, new Label("Users"), usersField,
                new Label("JWT secret env var"), secretEnvField, start, stop);
        controls.setAlignment(Pos.CENTER_LEFT);
        // in a narrow window the fields give up room, never a label or a button (seen: "Scena…" at 1200 px)
        controls.getChildren().stream().filter(Labeled.class::isInstance)
                .forEach(node -> ((Labeled) node).setMinWidth(Region.USE_PREF_SIZE));
        scenarioBox.setMinWidth(160);
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
        inProcessNote.setId("sim-in-process");
        inProcessNote.getStyleClass().add("sim-note");
        inProcessNote.setWrapText(true);
        for (Label label : List.of(problem, note, inProcessNote)) {
            // an empty line takes no room
            label.managedProperty().bind(label.textProperty().isNotEmpty());
            label.visibleProperty().bind(label.managedProperty());
        }
    }

    /** A recording's progress and its Stop, or how the last one ended; no room taken before the first. */
    private HBox recordRow() {
        recordProgress.setId("sim-record-progress");
        recordProgress.setPrefWidth(160);
        recordProgress.setMinWidth(Region.USE_PREF_SIZE);
        recordStatus.setId("sim-record-status");
        recordStatus.setMaxWidth(Double.MAX_VALUE);
        recordStatus.setMinWidth(0);
        HBox.setHgrow(recordStatus, Priority.ALWAYS);
        recordStop.setId("sim-record-stop");
        recordStop.setMinWidth(Region.USE_PREF_SIZE);
        recordDot.setId("sim-record-dot");
        recordDot.getStyleClass().add("sim-record-dot");
        HBox row = new HBox(10, recordDot, recordProgress, recordStatus, recordStop);
        row.setId("sim-record-row");
        row.setAlignment(Pos.CENTER_LEFT);
        row.managedProperty().bind(recordStatus.textProperty().isNotEmpty());
        row.visibleProperty().bind(row.managedProperty());
        return row;
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

    /** The eight counters in one row, sharing its width (simulate.css lets a tile be narrower than elsewhere). */
    private HBox counterTiles() {
        HBox tiles = new HBox(8);
        tiles.getStyleClass().add("sim-tiles");
        counter(tiles, "connected", "Connected now", Simulation.Progress::connectedUsers, false);
        counter(tiles, "sent", "Sent", Simulation.Progress::sent, false);
        counter(tiles, "received", "Received", Simulation.Progress::received, false);
        counter(tiles, "runs-started", "Runs started", Simulation.Progress::runsStarted, false);
        counter(tiles, "runs-ended", "Runs ended", Simulation.Progress::runsEnded, false);
        counter(tiles, "errors", "Errors", Simulation.Progress::errors, false);
        counter(tiles, "isolation", "Isolation violations", Simulation.Progress::isolationViolations, true);
        counter(tiles, "connection-failures", "Connection failures", Simulation.Progress::connectionFailures, true);
        return tiles;
    }

    private void counter(HBox tiles, String id, String title, ToLongFunction<Simulation.Progress> read,
                         boolean alarming) {
        Label value = StatTile.addTo(tiles, "sim-" + id, title);
        counters.add(new Counter(value, read, alarming));
        Region tile = (Region) value.getParent();
        HBox.setHgrow(tile, Priority.ALWAYS);
        tile.setMaxWidth(Double.MAX_VALUE);
    }

    private VBox users() {
        userTable.setId("sim-users-table");
        userTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        userTable.setPlaceholder(new Label("no users yet"));
        TableColumn<VirtualUser.UserRow, String> user = Tables.textColumn(userTable, "user", VirtualUser.UserRow::user);
        user.setId("sim-user-column");
        user.setComparator(NaturalOrder.INSTANCE);
        user.setMinWidth(100);
        // one group is the scenario itself (named above): the column shows when there are more
        TableColumn<VirtualUser.UserRow, String> group = Tables.textColumn(userTable, "group", VirtualUser.UserRow::group);
        group.setMinWidth(70);
        group.visibleProperty().bind(Bindings.createBooleanBinding(() -> model.scenarioProperty().get() != null
                && model.scenarioProperty().get().groups().size() > 1, model.scenarioProperty()));
        header(Tables.numberColumn(userTable, "conns", VirtualUser.UserRow::openConnections), "connections open now");
        header(Tables.numberColumn(userTable, "sent", VirtualUser.UserRow::sent), "messages sent");
        header(Tables.numberColumn(userTable, "recv", VirtualUser.UserRow::received), "frames received");
        header(Tables.numberColumn(userTable, "runs", VirtualUser.UserRow::runsStarted), "agent runs started");
        header(Tables.numberColumn(userTable, "done", VirtualUser.UserRow::runsCompleted), "agent runs completed");
        header(Tables.numberColumn(userTable, "errors", VirtualUser.UserRow::errors), "error frames received");
        header(Tables.numberColumn(userTable, "isolation", VirtualUser.UserRow::isolationViolations),
                "isolation violations: events received for runs the user did not start")
                .setId("sim-isolation-column");
        SortedList<VirtualUser.UserRow> sorted = new SortedList<>(model.rows());
        sorted.comparatorProperty().bind(userTable.comparatorProperty());
        userTable.setItems(sorted);
        rowsCaption.setId("sim-rows-caption");
        rowsCaption.getStyleClass().add("sim-note");
        VBox box = new VBox(4, userTable, rowsCaption);
        VBox.setVgrow(userTable, Priority.ALWAYS);
        return box;
    }

    private void initListeners() {
        scenarioBox.valueProperty().bindBidirectional(model.scenarioFileProperty());
        usersField.textProperty().bindBidirectional(model.usersProperty());
        secretEnvField.textProperty().bindBidirectional(model.secretEnvProperty());
        urlsField.textProperty().bindBidirectional(model.urlsProperty());
        open.setOnAction(event -> openScenario());
        initRecording(model.recording());
        start.setOnAction(event -> model.start());
        stop.setOnAction(event -> model.stop());
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
        inProcessNote.textProperty().bind(model.inProcessNoteProperty());
        model.latency().addListener((ListChangeListener<LatencySample>) change -> charts.show(model.latency()));
    }

    private void initRecording(RecordViewModel recording) {
        record.setOnAction(event -> RecordDialog.show(recording, this));
        record.disableProperty().bind(recording.busyProperty());
        recordStop.setOnAction(event -> recording.stop());
        BooleanBinding running = Bindings.createBooleanBinding(() -> recording.phaseProperty().get()
                == RecordViewModel.Phase.STARTING || recording.phaseProperty().get() == RecordViewModel.Phase.RECORDING,
                recording.phaseProperty());
        recordStop.visibleProperty().bind(running);
        recordStop.managedProperty().bind(running);
        recordDot.visibleProperty().bind(running);
        recordDot.managedProperty().bind(running);
        recordProgress.visibleProperty().bind(recording.busyProperty());
        recordProgress.managedProperty().bind(recording.busyProperty());
        recordProgress.progressProperty().bind(Bindings.when(recording.phaseProperty()
                .isEqualTo(RecordViewModel.Phase.RECORDING)).then(recording.fractionProperty()).otherwise(-1.0));
        recordStatus.textProperty().bind(recording.statusProperty());
        recordStatus.setTooltip(new Tooltip());
        recordStatus.getTooltip().textProperty().bind(recording.statusProperty());
        recording.failedProperty().addListener((observable, was, failed) -> {
            if (failed) {
                recordStatus.getStyleClass().add("sim-problem");
            } else {
                recordStatus.getStyleClass().remove("sim-problem");
            }
        });
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
        if (run.replay() != null) {
            description.setText(String.format(Locale.ROOT, "%s — a recording: %s replaying %,d recorded messages%s"
                    + " over %s, then up to %.0f s draining. %s", scenario.name(), users,
                    run.replay().recording().messages() * run.replay().usersScale(),
                    run.replay().usersScale() == 1 ? "" : " (each recorded user " + run.replay().usersScale()
                            + " times)", length, scenario.drainMs() / 1000.0, scenario.description()));
            return;
        }
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

    /**
     * Gives a number column a header that is never cut: its minimum width is its title's, with room
     * for the sort arrow, and a tooltip says what it counts.
     */
    private static <T> TableColumn<VirtualUser.UserRow, T> header(TableColumn<VirtualUser.UserRow, T> column,
                                                                  String meaning) {
        Label title = new Label(column.getText());
        title.setTooltip(new Tooltip(meaning));
        column.setGraphic(title);
        column.setText(null);
        Text measured = new Text(title.getText());
        // headers are bold (modena.css)
        measured.setFont(Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, Font.getDefault().getSize()));
        column.setMinWidth(HEADER_ROOM + measured.getLayoutBounds().getWidth());
        return column;
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

    /** Shows a scenario file by its name. */
    private static final class FileNameCell extends ListCell<Path> {
        @Override
        protected void updateItem(Path file, boolean empty) {
            super.updateItem(file, empty);
            setText(empty || file == null ? null : file.getFileName().toString().replaceFirst("\\.json$", ""));
        }
    }
}
