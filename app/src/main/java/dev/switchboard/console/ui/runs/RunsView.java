package dev.switchboard.console.ui.runs;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.RunRow;
import dev.switchboard.console.state.TimelineEvent;
import dev.switchboard.console.ui.common.Tables;
import javafx.collections.transformation.FilteredList;
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
import java.util.List;

/**
 * Runs in flight and recent; the selected run's five-event timeline as a waterfall (each event at
 * its offset, each tool's span from executing to completed). Runs missing events, out of order or
 * stuck are flagged and can be filtered to.
 */
public final class RunsView extends SplitPane {
    private static final double LANE_WIDTH = 200;

    private final ConsoleState state;
    private final TableView<RunRow> table = new TableView<>();
    private final ListView<TimelineEvent> timeline = new ListView<>();
    private final CheckBox flaggedOnly = new CheckBox("flagged only");
    private final TextField userFilter = new TextField();
    private final Label selected = new Label("select a run");
    private final FilteredList<RunRow> filtered;

    public RunsView(ConsoleState state) {
        this.state = state;
        this.filtered = new FilteredList<>(state.runs());
        createView();
        initListeners();
    }

    private void createView() {
        setId("runs");
        Tables.fill(table, "runs-table", filtered);
        Tables.propertyColumn(table, "User", RunRow::userIdProperty);
        Tables.propertyColumn(table, "Thread", RunRow::threadIdProperty);
        Tables.textColumn(table, "Run", RunRow::runId);
        Tables.propertyColumn(table, "Backend", RunRow::backendProperty);
        Tables.propertyColumn(table, "Status", RunRow::statusProperty);
        Tables.<RunRow, Number>propertyColumn(table, "ms", RunRow::durationMsProperty);
        Tables.propertyColumn(table, "Flags", RunRow::flagsProperty);
        flaggedOnly.setId("runs-flagged-only");
        userFilter.setId("runs-user-filter");
        userFilter.setPromptText("filter by user");
        HBox bar = new HBox(8, userFilter, flaggedOnly);
        bar.setPadding(new Insets(8));
        BorderPane left = new BorderPane(table, bar, null, null, null);
        timeline.setId("run-timeline");
        timeline.setCellFactory(list -> new TimelineCell());
        selected.setId("run-selected");
        selected.setPadding(new Insets(8));
        BorderPane right = new BorderPane(timeline, selected, null, null, null);
        getItems().addAll(left, right);
        setDividerPositions(0.55);
    }

    private void initListeners() {
        table.getSelectionModel().selectedItemProperty().addListener((observable, before, run) -> {
            timeline.setItems(run == null ? null : run.timeline());
            selected.setText(run == null ? "select a run"
                    : run.runId() + " · " + run.userIdProperty().get() + " · " + run.statusProperty().get());
        });
        flaggedOnly.selectedProperty().addListener((observable, before, on) -> refilter());
        userFilter.textProperty().addListener((observable, before, text) -> refilter());
    }

    private void refilter() {
        String user = userFilter.getText() == null ? "" : userFilter.getText().trim();
        boolean flagged = flaggedOnly.isSelected();
        filtered.setPredicate(run -> (!flagged || !run.flagsProperty().get().isEmpty())
                && (user.isEmpty() || run.userIdProperty().get().contains(user)));
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
            Label name = new Label(String.format("%2d %-16s %5d ms %s", event.seq(), event.type(), event.offsetMs(),
                    event.tool() != null ? event.tool() + (event.type().equals("tool_completed")
                            ? " (" + event.durationMs() + " ms)" : "") : event.status() != null ? event.status() : ""));
            name.setMinWidth(290);
            name.setStyle("-fx-font-family: monospace;");
            Region bar = new Region();
            bar.getStyleClass().addAll("timeline-bar", event.type().replace('_', '-'));
            // the lane spans the whole run, so the scale follows the run's length
            List<TimelineEvent> all = getListView().getItems();
            double total = Math.max(1, all.isEmpty() ? 1 : all.get(all.size() - 1).offsetMs());
            double scale = LANE_WIDTH / total;
            boolean span = event.type().equals("tool_completed");
            double width = span ? Math.max(4, event.durationMs() * scale) : 4;
            double start = span ? Math.max(0, (event.offsetMs() - event.durationMs()) * scale)
                    : Math.min(LANE_WIDTH - 4, event.offsetMs() * scale);
            bar.setLayoutX(start);
            bar.setPrefSize(width, 12);
            bar.resize(width, 12);
            Pane lane = new Pane(bar);
            lane.setPrefSize(LANE_WIDTH, 14);
            lane.setMinWidth(LANE_WIDTH);
            setText(null);
            setGraphic(new HBox(8, name, lane));
        }
    }
}
