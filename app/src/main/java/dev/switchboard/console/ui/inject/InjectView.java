package dev.switchboard.console.ui.inject;

import dev.switchboard.console.inject.ConnectionState;
import dev.switchboard.console.inject.DraftCheck;
import dev.switchboard.console.inject.MessageTemplate;
import dev.switchboard.console.inject.ReceivedFrame;
import dev.switchboard.console.inject.SentMessage;
import dev.switchboard.console.inject.TemplateLibrary;
import dev.switchboard.console.ui.common.OperatorOnly;
import dev.switchboard.console.ui.common.Tables;
import dev.switchboard.console.ui.common.TimeOfDay;
import java.util.List;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Send a message as a user: pick or type the user, start from a template, edit the JSON (checked
 * as you type; Send stays disabled while it is not a message), send it through a real client
 * connection; see everything that connection received, and the messages sent (re-send, edit).
 */
public final class InjectView extends BorderPane {
    private final InjectViewModel model;
    private final TextField user = new TextField();
    private final MenuButton users = new MenuButton("Connected users");
    private final MenuButton templates = new MenuButton("Templates");
    private final Label connection = new Label();
    private final Tooltip connectionTip = new Tooltip();
    private final Button closeConnection = new Button("Close connection");
    private final TextArea editor = new TextArea();
    private final Label validation = new Label();
    private final Button send = new Button("Send");
    private final Button format = new Button("Format");
    private final javafx.scene.control.CheckBox raw = new javafx.scene.control.CheckBox("Send raw");
    private final Button saveTemplate = new Button("Save as template…");
    private final Label note = new Label();
    private final ListView<SentMessage> history = new ListView<>();
    private final Button resend = new Button("Re-send");
    private final Button edit = new Button("Edit");
    private final TableView<ReceivedFrame> received = new TableView<>();
    private final FilteredList<ReceivedFrame> shown;
    private final CheckBox allUsers = new CheckBox("all injected users");
    private final Label receivedSummary = new Label();
    private final TextArea detail = new TextArea();

    private final ObservableBooleanValue operator;

    /**
     * @param operator whether this console may send as another user (a remote router asks for the
     *                 operator role; a viewer's Send is disabled, with the reason)
     */
    public InjectView(InjectViewModel model, ObservableBooleanValue operator) {
        this.model = model;
        this.operator = operator;
        this.shown = new FilteredList<>(model.received());
        createView();
        initListeners();
        refilter();
        showConnection(model.connectionProperty().get());
        rebuildTemplates(model.templatesProperty().get());
    }

    private void createView() {
        setId("inject");
        user.setId("inject-user");
        user.setPromptText("user id, e.g. alice");
        user.setPrefColumnCount(16);
        users.setId("inject-users");
        templates.setId("inject-templates");
        connection.setId("inject-connection-state");
        closeConnection.setId("inject-close");
        Label sendAs = new Label("Send as");
        HBox top = new HBox(8, sendAs, user, users, templates, connection, closeConnection);
        // the connection line gives way (with an ellipsis and a tooltip); the controls keep their size
        for (Region control : List.of(sendAs, user, users, templates, closeConnection)) {
            control.setMinWidth(Region.USE_PREF_SIZE);
        }
        connection.setMinWidth(0);
        connection.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(connection, Priority.ALWAYS);
        connection.setTooltip(connectionTip);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(8));
        setTop(top);
        SplitPane split = new SplitPane(composer(), receivedPane());
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.42);
        setCenter(split);
    }

    /** The editor, its check, the actions and the history of sent messages. */
    private VBox composer() {
        editor.setId("inject-editor");
        editor.getStyleClass().add("inject-editor");
        editor.setPromptText("{\"type\": \"ping\", \"message_id\": \"p-1\"}");
        VBox.setVgrow(editor, Priority.ALWAYS);
        validation.setId("inject-validation");
        validation.setWrapText(true);
        validation.setMinHeight(Region.USE_PREF_SIZE);
        send.setId("inject-send");
        format.setId("inject-format");
        saveTemplate.setId("inject-save-template");
        note.setId("inject-note");
        note.getStyleClass().add("inject-note");
        raw.setId("inject-raw");
        raw.setTooltip(new javafx.scene.control.Tooltip("Send the text as it is, even if it is not valid JSON or not"
                + " a message: to see how the router answers bad input"));
        HBox actions = new HBox(8, OperatorOnly.guard(send, operator, model.sendableProperty().not(),
                "Sending as another user"), raw, format, saveTemplate);
        actions.setAlignment(Pos.CENTER_LEFT);
        history.setId("inject-history");
        history.setItems(model.history());
        history.setCellFactory(list -> new HistoryCell());
        history.setPrefHeight(180);
        resend.setId("inject-resend");
        edit.setId("inject-edit");
        HBox historyActions = new HBox(8, new Label("Sent"), OperatorOnly.guard(resend, operator,
                history.getSelectionModel().selectedItemProperty().isNull(), "Sending as another user"), edit);
        historyActions.setAlignment(Pos.CENTER_LEFT);
        VBox left = new VBox(6, editor, validation, actions, note, historyActions, history);
        left.setPadding(new Insets(0, 4, 8, 8));
        return left;
    }

    /** Everything the injected connections received, and the selected frame whole. */
    private VBox receivedPane() {
        Tables.fill(received, "inject-received", shown,
                "Send a message: every frame its connection receives appears here.");
        Tables.textColumn(received, "Time", frame -> TimeOfDay.format(frame.at()));
        Tables.textColumn(received, "User", ReceivedFrame::userId);
        Tables.textColumn(received, "Type", ReceivedFrame::type);
        Tables.textColumn(received, "Round trip", ReceivedFrame::roundTrip);
        Tables.textColumn(received, "Frame", ReceivedFrame::text);
        fixedWidth(0, 100);
        fixedWidth(1, 90);
        fixedWidth(2, 170);
        fixedWidth(3, 90);
        VBox.setVgrow(received, Priority.ALWAYS);
        allUsers.setId("inject-all-users");
        receivedSummary.setId("inject-received-summary");
        HBox receivedBar = new HBox(8, new Label("Received"), allUsers, receivedSummary);
        receivedBar.setAlignment(Pos.CENTER_LEFT);
        detail.setId("inject-received-detail");
        detail.getStyleClass().add("inject-editor");
        detail.setEditable(false);
        detail.setPrefRowCount(8);
        detail.setPromptText("select a received frame to see it whole");
        VBox right = new VBox(6, receivedBar, received, detail);
        right.setPadding(new Insets(0, 8, 8, 4));
        return right;
    }

    /** Time, user and type keep their width; the frame takes the rest. */
    private void fixedWidth(int column, double width) {
        received.getColumns().get(column).setMinWidth(width);
        received.getColumns().get(column).setMaxWidth(width);
    }

    private void initListeners() {
        user.textProperty().bindBidirectional(model.userProperty());
        editor.textProperty().bindBidirectional(model.draftProperty());
        validation.textProperty().bind(model.verdictProperty());
        model.sendableProperty().addListener((observable, before, sendable) -> styleValidation());
        styleValidation();
        send.setOnAction(event -> model.send());
        // Ctrl+Enter (Cmd+Enter) sends from the editor, as the button would
        editor.addEventFilter(KeyEvent.KEY_PRESSED, key -> {
            if (key.getCode() == KeyCode.ENTER && key.isShortcutDown()) {
                key.consume();
                if (!send.isDisabled()) {
                    send.fire();
                }
            }
        });
        raw.selectedProperty().bindBidirectional(model.rawProperty());
        format.disableProperty().bind(model.checkProperty().map(check -> !check.sendable()));
        format.setOnAction(event -> model.format());
        saveTemplate.disableProperty().bind(model.checkProperty().map(check -> !check.sendable()));
        saveTemplate.setOnAction(event -> askAndSaveTemplate());
        note.textProperty().bind(model.noteProperty());
        receivedSummary.textProperty().bind(model.receivedSummaryProperty());
        users.setOnShowing(event -> rebuildUsers());
        model.templatesProperty().addListener((observable, before, library) -> rebuildTemplates(library));
        model.connectionProperty().addListener((observable, before, state) -> showConnection(state));
        model.userProperty().addListener((observable, before, id) -> refilter());
        allUsers.selectedProperty().addListener((observable, before, all) -> refilter());
        received.getSelectionModel().selectedItemProperty().addListener((observable, before, frame) ->
                detail.setText(frame == null ? "" : pretty(frame.text())));
        closeConnection.setOnAction(event -> model.closeConnection());
        edit.disableProperty().bind(history.getSelectionModel().selectedItemProperty().isNull());
        resend.setOnAction(event -> model.resend(history.getSelectionModel().getSelectedItem()));
        edit.setOnAction(event -> model.edit(history.getSelectionModel().getSelectedItem()));
        history.setOnMouseClicked(event -> {
            SentMessage selected = history.getSelectionModel().getSelectedItem();
            if (event.getClickCount() == 2 && selected != null) {
                model.edit(selected);
            }
        });
    }

    private void styleValidation() {
        validation.getStyleClass().removeAll("inject-ok", "inject-problem");
        validation.getStyleClass().add(model.sendableProperty().get() ? "inject-ok" : "inject-problem");
    }

    private void refilter() {
        String id = model.userProperty().get() == null ? "" : model.userProperty().get().trim();
        boolean all = allUsers.isSelected();
        shown.setPredicate(frame -> all || frame.userId().equals(id));
    }

    private void showConnection(ConnectionState state) {
        String id = state.userId().isEmpty() ? "no user" : state.userId();
        connection.setText(id + ": " + state.describe() + (state.since() == null ? "" : " · since " + TimeOfDay.format(state.since())));
        connectionTip.setText(connection.getText());
        connection.getStyleClass().removeAll("inject-open", "inject-closed");
        connection.getStyleClass().add(state.phase() == ConnectionState.Phase.OPEN ? "inject-open"
                : state.phase() == ConnectionState.Phase.NONE ? "inject-none" : "inject-closed");
        closeConnection.setDisable(!state.usable());
    }

    private void rebuildUsers() {
        users.getItems().clear();
        if (model.users().isEmpty()) {
            MenuItem none = new MenuItem("no user is connected: type an id");
            none.setDisable(true);
            users.getItems().add(none);
            return;
        }
        for (String id : model.users()) {
            MenuItem item = new MenuItem(id);
            item.setMnemonicParsing(false);
            item.setOnAction(event -> model.userProperty().set(id));
            users.getItems().add(item);
        }
        if (model.users().size() >= InjectViewModel.USERS_OFFERED) {
            MenuItem more = new MenuItem("the first " + InjectViewModel.USERS_OFFERED + " users by id: type any other");
            more.setDisable(true);
            users.getItems().add(more);
        }
    }

    private void rebuildTemplates(TemplateLibrary library) {
        templates.getItems().clear();
        for (MessageTemplate template : library.templates()) {
            MenuItem item = new MenuItem(template.name());
            item.setId("inject-template-" + template.name());
            item.setMnemonicParsing(false);
            item.setOnAction(event -> model.use(template));
            templates.getItems().add(item);
        }
    }

    private void askAndSaveTemplate() {
        TextInputDialog dialog = new TextInputDialog(model.suggestedTemplateName());
        dialog.setTitle("Save as template");
        dialog.setHeaderText("Saves the message to " + model.templatesProperty().get().directory()
                + "/<name>.json (a file of that name is replaced)");
        dialog.setContentText("Name");
        dialog.initOwner(getScene().getWindow());
        dialog.showAndWait().map(String::trim).filter(name -> !name.isEmpty()).ifPresent(model::saveTemplate);
    }

    private static String pretty(String text) {
        return DraftCheck.format(text);
    }

    private static final class HistoryCell extends ListCell<SentMessage> {
        @Override
        protected void updateItem(SentMessage message, boolean empty) {
            super.updateItem(message, empty);
            if (empty || message == null) {
                setText(null);
                return;
            }
            setText(TimeOfDay.format(message.at()) + "  " + message.userId() + "  " + message.type()
                    + (message.sent() ? "  ✓ sent" : "  ✗ " + message.failure()));
        }
    }
}
