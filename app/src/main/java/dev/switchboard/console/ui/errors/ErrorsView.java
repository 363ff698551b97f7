package dev.switchboard.console.ui.errors;

import dev.switchboard.console.state.ErrorRow;
import dev.switchboard.console.ui.why.WhyViewModel;
import dev.switchboard.console.ui.common.Tables;
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
import org.controlsfx.control.textfield.TextFields;

/** Errors sent to clients, newest first, with a filter, a details pane and copy as JSON. */
public final class ErrorsView extends BorderPane {
    private final ErrorsViewModel model;
    private final TableView<ErrorRow> table = new TableView<>();
    private final TextArea details = new TextArea();
    private final TextField filter = TextFields.createClearableTextField();
    private final Button copy = new Button("Copy as JSON");
    private final Button whyButton = new Button("Why?");
    private final WhyViewModel why;

    /** @param why answers the Why button: the path of the message the selected error answered */
    public ErrorsView(ErrorsViewModel model, WhyViewModel why) {
        this.model = model;
        this.why = why;
        createView();
        initListeners();
    }

    private void createView() {
        setId("errors");
        Tables.fill(table, "errors-table", model.shown(),
                "No error sent to a client so far (or none matches the filter).");
        Tables.timeColumn(table, "Time", ErrorRow::at);
        Tables.textColumn(table, "User", ErrorRow::userId);
        Tables.textColumn(table, "Type", ErrorRow::type);
        Tables.textColumn(table, "Code", ErrorRow::code);
        Tables.textColumn(table, "Message", ErrorRow::message);
        details.setId("errors-details");
        details.setEditable(false);
        filter.setId("errors-filter");
        filter.setPromptText("filter: user, type or code");
        copy.setId("errors-copy");
        whyButton.setId("errors-why");
        whyButton.setTooltip(new javafx.scene.control.Tooltip("Why the message this error answered got it: its"
                + " path through the router, step by step (errors of messages without a message_id cannot be asked)"));
        whyButton.setDisable(true);
        HBox bar = new HBox(8, filter, copy, whyButton);
        bar.setPadding(new Insets(8));
        SplitPane split = new SplitPane(table, details);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.7);
        setTop(bar);
        setCenter(split);
    }

    private void initListeners() {
        filter.textProperty().bindBidirectional(model.filterProperty());
        details.textProperty().bind(model.detailsProperty());
        table.getSelectionModel().selectedItemProperty().addListener((observable, before, row) -> {
            model.selectedProperty().set(row);
            whyButton.setDisable(!why.canAsk(question(row)));
        });
        whyButton.setOnAction(event -> {
            WhyViewModel.Question question = question(model.selectedProperty().get());
            if (question != null) {
                why.ask(question);
            }
        });
        copy.setOnAction(event -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(model.detailsProperty().get());
            Clipboard.getSystemClipboard().setContent(content);
        });
    }

    /** The message the error answered, when it had a {@code message_id}. */
    static WhyViewModel.Question question(ErrorRow row) {
        return row == null || row.userId().isEmpty() || row.source() == null || row.source().messageId() == null ? null
                : WhyViewModel.Question.message(row.userId(), row.source().messageId());
    }
}
