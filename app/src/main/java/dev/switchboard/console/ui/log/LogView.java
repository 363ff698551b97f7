package dev.switchboard.console.ui.log;

import dev.switchboard.console.state.LogRow;
import dev.switchboard.console.ui.common.Tables;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.controlsfx.control.textfield.TextFields;

/**
 * Every message in and event out, newest at the bottom; filters; pause freezes the view. The table
 * follows new lines (tail mode) while it is scrolled to the bottom; scrolled up, it stays where the
 * reader is and a "N new" button counts what came since, taking the reader back to the bottom.
 */
public final class LogView extends BorderPane {
    private final LogViewModel model;
    private final TableView<LogRow> table = new TableView<>();
    private final javafx.scene.control.TextArea details = new javafx.scene.control.TextArea();
    private final javafx.scene.control.Button copy = new javafx.scene.control.Button("Copy as JSON");
    private final Button why = new Button("Why?");
    private final TextField userFilter = TextFields.createClearableTextField();
    private final TextField typeFilter = TextFields.createClearableTextField();
    private final ChoiceBox<String> direction = new ChoiceBox<>(
            FXCollections.observableArrayList(LogViewModel.DIRECTIONS));
    private final ToggleButton pause = new ToggleButton();
    private final Button newLines = new Button();
    private final ListChangeListener<LogRow> added = change -> {
        int count = 0;
        while (change.next()) {
            count += change.getAddedSize();
        }
        if (count > 0) {
            linesAdded(count);
        }
    };
    private boolean following = true;
    private int unseen;

    public LogView(LogViewModel model) {
        this(model, true);
    }

    /** @param live false for a saved session: nothing more comes, so there is nothing to pause */
    public LogView(LogViewModel model, boolean live) {
        this.model = model;
        createView();
        initListeners();
        pause.setVisible(live);
        pause.setManaged(live);
    }

    private void createView() {
        setId("log");
        Tables.fill(table, "log-table", model.shownProperty().get(),
                "Nothing yet: every message in and event out appears here as it happens (or clear the filter).");
        // the first columns keep their width: a long detail (a coalesced line's counts) must not squeeze them away
        Tables.bounded(Tables.timeColumn(table, "Time", LogRow::at), 100, 130);
        Tables.bounded(Tables.textColumn(table, "Dir", LogRow::direction), 40, 60);
        Tables.bounded(Tables.textColumn(table, "User", LogRow::userId), 130, 220);
        Tables.bounded(Tables.textColumn(table, "Type", LogRow::type), 130, 180);
        Tables.textColumn(table, "Detail", LogRow::detail);
        userFilter.setId("log-user-filter");
        userFilter.setPromptText("user");
        typeFilter.setId("log-type-filter");
        typeFilter.setPromptText("type");
        direction.setId("log-direction");
        pause.setId("log-pause");
        newLines.setId("log-new-lines");
        newLines.getStyleClass().add("new-lines");
        newLines.setVisible(false);
        details.setId("log-details");
        details.setEditable(false);
        details.setStyle("-fx-font-family: monospace;"); // the event's JSON, indented
        details.setPromptText("select a line to see its event whole");
        copy.setId("log-copy");
        copy.disableProperty().bind(model.selectedProperty().isNull());
        why.setId("log-why");
        why.disableProperty().bind(model.whyableProperty().not());
        why.setTooltip(new javafx.scene.control.Tooltip("Ask the router why the selected message (or the run of the"
                + " selected event) went where it went: each step it took, with its time"));
        HBox bar = new HBox(8, userFilter, typeFilter, direction, pause, newLines, copy, why);
        bar.setPadding(new Insets(8));
        javafx.scene.control.SplitPane split = new javafx.scene.control.SplitPane(table, details);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.75);
        setTop(bar);
        setCenter(split);
    }

    private void initListeners() {
        userFilter.textProperty().bindBidirectional(model.userFilterProperty());
        typeFilter.textProperty().bindBidirectional(model.typeFilterProperty());
        direction.valueProperty().bindBidirectional(model.directionProperty());
        pause.selectedProperty().bindBidirectional(model.pausedProperty());
        pause.textProperty().bind(model.pauseTextProperty());
        table.itemsProperty().bind(model.shownProperty());
        details.textProperty().bind(model.detailsProperty());
        table.getSelectionModel().selectedItemProperty().addListener((observable, before, row) ->
                model.selectedProperty().set(row));
        why.setOnAction(event -> model.why());
        copy.setOnAction(event -> {
            javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
            content.putString(model.detailsProperty().get());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
        });
        model.shownProperty().get().addListener(added);
        model.shownProperty().addListener((observable, before, now) -> {
            before.removeListener(added);
            now.addListener(added);
        });
        // the reader scrolled, dragged the scroll bar or paged: follow again only at the bottom
        table.addEventFilter(ScrollEvent.SCROLL, event -> Platform.runLater(this::checkFollowing));
        table.addEventFilter(MouseEvent.MOUSE_RELEASED, event -> Platform.runLater(this::checkFollowing));
        table.addEventFilter(KeyEvent.KEY_RELEASED, event -> Platform.runLater(this::checkFollowing));
        newLines.setOnAction(event -> {
            following = true;
            showUnseen(0);
            scrollToEnd();
        });
    }

    private void linesAdded(int count) {
        if (model.pausedProperty().get()) {
            return;
        }
        if (following) {
            // after the table's own handling of the change, which would otherwise keep its position
            Platform.runLater(this::scrollToEnd);
        } else {
            showUnseen(unseen + count);
        }
    }

    private void checkFollowing() {
        following = atBottom();
        if (following) {
            showUnseen(0);
        }
    }

    /** Whether the last line is in view (or there is nothing to scroll). */
    private boolean atBottom() {
        VirtualFlow<?> flow = (VirtualFlow<?>) table.lookup(".virtual-flow");
        IndexedCell<?> last = flow == null ? null : flow.getLastVisibleCell();
        return last == null || last.getIndex() >= table.getItems().size() - 1;
    }

    private void scrollToEnd() {
        if (!table.getItems().isEmpty()) {
            table.scrollTo(table.getItems().size() - 1);
        }
    }

    private void showUnseen(int count) {
        unseen = count;
        newLines.setText(count + " new ↓");
        newLines.setVisible(count > 0);
    }
}
