package dev.switchboard.console.ui.errors;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.ErrorRow;
import dev.switchboard.console.ui.common.Tables;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/** Errors sent to clients, newest first, with a filter, a details pane and copy as JSON. */
public final class ErrorsView extends BorderPane {
    private final TableView<ErrorRow> table = new TableView<>();
    private final TextArea details = new TextArea();
    private final TextField filter = new TextField();
    private final FilteredList<ErrorRow> filtered;

    public ErrorsView(ConsoleState state) {
        this.filtered = new FilteredList<>(state.errors());
        createView();
        initListeners();
    }

    private void createView() {
        setId("errors");
        Tables.fill(table, "errors-table", filtered);
        Tables.textColumn(table, "Time", ErrorRow::at);
        Tables.textColumn(table, "User", ErrorRow::userId);
        Tables.textColumn(table, "Type", ErrorRow::type);
        Tables.textColumn(table, "Code", ErrorRow::code);
        Tables.textColumn(table, "Message", ErrorRow::message);
        details.setId("errors-details");
        details.setEditable(false);
        filter.setId("errors-filter");
        filter.setPromptText("filter: user, type or code");
        Button copy = new Button("Copy as JSON");
        copy.setId("errors-copy");
        copy.setOnAction(event -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(details.getText());
            Clipboard.getSystemClipboard().setContent(content);
        });
        HBox bar = new HBox(8, filter, copy);
        bar.setPadding(new Insets(8));
        SplitPane split = new SplitPane(table, details);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.7);
        setTop(bar);
        setCenter(split);
    }

    private void initListeners() {
        table.getSelectionModel().selectedItemProperty().addListener((observable, before, row) ->
                details.setText(row == null ? "" : row.json()));
        filter.textProperty().addListener((observable, before, text) -> {
            String wanted = text == null ? "" : text.trim();
            filtered.setPredicate(row -> wanted.isEmpty() || row.userId().contains(wanted)
                    || row.type().contains(wanted) || row.code().contains(wanted));
        });
    }
}
