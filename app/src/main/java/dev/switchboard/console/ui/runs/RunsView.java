package dev.switchboard.console.ui.runs;

import dev.switchboard.console.state.RunRow;
import dev.switchboard.console.ui.why.WhyViewModel;
import dev.switchboard.console.state.TimelineEvent;
import dev.switchboard.console.ui.common.NodeChoice;
import dev.switchboard.console.ui.common.Tables;
import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.textfield.TextFields;

/**
 * Runs in flight and recent; the selected run's five-event timeline as a waterfall (each event at
 * its offset, each tool's span from executing to completed). Runs missing events, out of order or
 * stuck are flagged and can be filtered to.
 */
public final class RunsView extends SplitPane {
    private static final double LANE_WIDTH = 200;

    private final RunsViewModel model;
    private final TableView<RunRow> table = new TableView<>();
    private final ListView<TimelineEvent> timeline = new ListView<>();
    private final CheckBox flaggedOnly = new CheckBox("flagged only");
    private final javafx.scene.control.Label counted = new javafx.scene.control.Label();
    private final TextField userFilter = TextFields.createClearableTextField();
    private final Label selected = new Label();
    private final Label startPath = new Label();
    private final Pane axis = new Pane();

    private final WhyViewModel why;
    private final javafx.scene.control.Button whyButton = new javafx.scene.control.Button("Why?");

    /** @param why answers the Why button: which backend the selected run went to, and why */
    public RunsView(RunsViewModel model, WhyViewModel why) {
        this.model = model;
        this.why = why;
        createView();
        initListeners();
    }

    private void createView() {
        setId("runs");
        Tables.fill(table, "runs-table", model.shown(),
                "No agent run yet: a user_message or start_agent starts one (try the Inject view).");
        Tables.propertyColumn(table, "User", RunRow::userIdProperty);
        NodeChoice.onlyInCluster(Tables.propertyColumn(table, "Node", RunRow::nodeIdProperty), model.nodeFilter());
        Tables.propertyColumn(table, "Thread", RunRow::threadIdProperty);
        Tables.textColumn(table, "Run", RunRow::runId);
        Tables.propertyColumn(table, "Backend", RunRow::backendProperty);
        Tables.propertyColumn(table, "Status", RunRow::statusProperty);
        Tables.<RunRow, Number>propertyColumn(table, "ms", RunRow::durationMsProperty);
        Tables.propertyColumn(table, "Flags", RunRow::flagsProperty);
        flaggedOnly.setId("runs-flagged-only");
        userFilter.setId("runs-user-filter");
        userFilter.setPromptText("filter by user");
        counted.setId("runs-counted");
        counted.textProperty().bind(model.countedNoteProperty());
        javafx.scene.control.Tooltip why = new javafx.scene.control.Tooltip("Past its per-update limit the router lists"
                + " new runs whole or not at all; the others are counted (the Overview's run counts include them).");
        counted.setTooltip(why);
        // the filter and the checkbox keep their size; the note gives way
        userFilter.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        flaggedOnly.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox bar = new HBox(8, userFilter, NodeChoice.of(model.nodeFilter(), "runs-node-filter"), flaggedOnly, counted);
        bar.setPadding(new Insets(8));
        BorderPane left = new BorderPane(table, bar, null, null, null);
        timeline.setId("run-timeline");
        timeline.setCellFactory(list -> new TimelineCell());
        selected.setId("run-selected");
        selected.setPadding(new Insets(8));
        axis.setId("run-timeline-axis");
        axis.setMinWidth(LANE_WIDTH + 50);
        axis.setPrefHeight(18);
        Label axisTitle = new Label("#  event   offset from agent_started");
        axisTitle.setMinWidth(290);
        axisTitle.setStyle("-fx-font-family: monospace;");
        HBox axisRow = new HBox(8, axisTitle, axis);
        // a list cell's own left padding, so that the marks stand over the lanes
        axisRow.setPadding(new Insets(0, 0, 2, 7));
        startPath.setId("run-start-path");
        startPath.setPadding(new Insets(0, 8, 6, 8));
        startPath.setWrapText(true);
        startPath.managedProperty().bind(startPath.textProperty().isNotEmpty());
        whyButton.setId("run-why");
        whyButton.setTooltip(new javafx.scene.control.Tooltip("Why this run went where it went: the path of the"
                + " message that started it, the backend chosen and why (strategy, candidates, rollout), a retry"));
        whyButton.setDisable(true);
        whyButton.setMinWidth(Region.USE_PREF_SIZE);
        HBox.setHgrow(selected, javafx.scene.layout.Priority.ALWAYS);
        selected.setMaxWidth(Double.MAX_VALUE);
        HBox selectedRow = new HBox(8, selected, whyButton);
        selectedRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        selectedRow.setPadding(new Insets(0, 8, 0, 0));
        BorderPane right = new BorderPane(timeline, new VBox(selectedRow, startPath, axisRow), null, legend(), null);
        getItems().addAll(left, right);
        setDividerPositions(0.55);
    }

    /** What each bar's colour means (the classes the bars have). */
    private static javafx.scene.layout.FlowPane legend() {
        // wraps instead of cutting its words when the pane is narrow
        javafx.scene.layout.FlowPane legend = new javafx.scene.layout.FlowPane(12, 4);
        legend.setId("run-timeline-legend");
        legend.setPadding(new Insets(6, 8, 6, 8));
        String[][] kinds = {{"agent-started", "agent_started"}, {"agent-thinking", "agent_thinking"},
            {"tool-executing", "tool_executing"}, {"tool-completed", "tool span (executing → completed)"},
            {"agent-completed", "agent_completed"}};
        for (String[] kind : kinds) {
            Region swatch = new Region();
            swatch.getStyleClass().addAll("timeline-bar", kind[0]);
            double width = kind[0].equals("tool-completed") ? 20 : 6;
            swatch.setMinSize(width, 12);
            swatch.setMaxSize(width, 12);
            Label text = new Label(kind[1]);
            text.setMinWidth(Region.USE_PREF_SIZE);
            HBox entry = new HBox(4, swatch, text);
            entry.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
            legend.getChildren().add(entry);
        }
        return legend;
    }

    /** The selected run's time axis, with the scale its bars use. */
    private void drawAxis() {
        axis.getChildren().clear();
        java.util.List<TimelineEvent> events = timeline.getItems();
        if (events == null || events.isEmpty()) {
            return;
        }
        for (RunsViewModel.Tick tick : RunsViewModel.axisTicks(events, LANE_WIDTH)) {
            Label mark = new Label("|" + tick.label());
            mark.getStyleClass().add("timeline-tick");
            mark.setLayoutX(tick.x());
            axis.getChildren().add(mark);
        }
    }

    private void initListeners() {
        table.getSelectionModel().selectedItemProperty().addListener((observable, before, run) -> {
            model.selectedProperty().set(run);
            whyButton.setDisable(!why.canAsk(question(run)));
        });
        whyButton.setOnAction(event -> {
            WhyViewModel.Question question = question(model.selectedProperty().get());
            if (question != null) {
                why.ask(question);
            }
        });
        timeline.itemsProperty().bind(model.timelineProperty());
        javafx.collections.ListChangeListener<TimelineEvent> grown = change -> drawAxis();
        model.timelineProperty().addListener((observable, before, events) -> {
            if (before != null) {
                before.removeListener(grown);
            }
            if (events != null) {
                events.addListener(grown);
            }
            drawAxis();
        });
        selected.textProperty().bind(model.selectedSummaryProperty());
        startPath.textProperty().bind(model.selectedStartProperty());
        flaggedOnly.selectedProperty().bindBidirectional(model.flaggedOnlyProperty());
        userFilter.textProperty().bindBidirectional(model.userFilterProperty());
    }

    /** One waterfall row: the event's name, then a bar at its offset (a tool's bar spans its duration). */
    private static final class TimelineCell extends ListCell<TimelineEvent> {
        @Override
        protected void updateItem(TimelineEvent event, boolean empty) {
            super.updateItem(event, empty);
            if (empty || event == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label name = new Label(RunsViewModel.describe(event));
            name.setMinWidth(290);
            name.setStyle("-fx-font-family: monospace;");
            Region bar = new Region();
            bar.getStyleClass().addAll("timeline-bar", event.type().replace('_', '-'));
            RunsViewModel.Bar where = RunsViewModel.bar(event, getListView().getItems(), LANE_WIDTH);
            bar.setLayoutX(where.start());
            bar.setPrefSize(where.width(), 12);
            bar.resize(where.width(), 12);
            Pane lane = new Pane(bar);
            lane.setPrefSize(LANE_WIDTH, 14);
            lane.setMinWidth(LANE_WIDTH);
            setText(null);
            setGraphic(new HBox(8, name, lane));
        }
    }

    private static WhyViewModel.Question question(RunRow run) {
        return run == null || run.userIdProperty().get().isEmpty() ? null
                : WhyViewModel.Question.run(run.userIdProperty().get(), run.runId());
    }
}
