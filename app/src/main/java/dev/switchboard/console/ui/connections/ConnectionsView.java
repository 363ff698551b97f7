package dev.switchboard.console.ui.connections;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.common.Tables;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/**
 * Users and their connections; an operator can disconnect one connection or all of a user's, or
 * open the inject panel as the selected user.
 */
public final class ConnectionsView extends BorderPane {
    private final ConsoleState state;
    private final ConsoleFeed feed;
    private final Consumer<String> injectAs;
    private final TreeTableView<ConnectionRow> tree = new TreeTableView<>();
    private final TextField filter = new TextField();
    private final Label summary = new Label();
    private final Label actionResult = new Label();

    /**
     * @param injectAs opens the inject panel as a user (the selected row's)
     */
    public ConnectionsView(ConsoleState state, ConsoleFeed feed, Consumer<String> injectAs) {
        this.state = state;
        this.feed = feed;
        this.injectAs = injectAs;
        createView();
        initListeners();
        rebuild();
    }

    private void createView() {
        setId("connections");
        tree.setId("connections-tree");
        tree.setShowRoot(false);
        tree.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Tables.textColumn(tree, "User / connection", row -> row.connectionId().isEmpty() ? row.userId() : row.connectionId());
        Tables.textColumn(tree, "Remote address", ConnectionRow::remoteAddress);
        Tables.textColumn(tree, "Thread", ConnectionRow::threadId);
        Tables.textColumn(tree, "Connected at", ConnectionRow::connectedAt);
        Tables.textColumn(tree, "Last activity", ConnectionRow::lastActivity);
        Tables.textColumn(tree, "In", row -> row.connectionId().isEmpty() ? "" : Long.toString(row.messagesIn()));
        Tables.textColumn(tree, "Out", row -> row.connectionId().isEmpty() ? "" : Long.toString(row.messagesOut()));
        filter.setId("connections-filter");
        filter.setPromptText("filter by user");
        Button disconnect = new Button("Disconnect");
        disconnect.setId("connections-disconnect");
        disconnect.setOnAction(event -> disconnectSelected());
        Button inject = new Button("Inject as…");
        inject.setId("connections-inject");
        inject.disableProperty().bind(tree.getSelectionModel().selectedItemProperty().isNull());
        inject.setOnAction(event -> {
            TreeItem<ConnectionRow> selected = tree.getSelectionModel().getSelectedItem();
            if (selected != null && selected.getValue() != null) {
                injectAs.accept(selected.getValue().userId());
            }
        });
        actionResult.setId("connections-action-result");
        HBox bar = new HBox(8, filter, disconnect, inject, summary, actionResult);
        bar.setPadding(new Insets(8));
        setTop(bar);
        setCenter(tree);
    }

    private void initListeners() {
        state.connections().addListener((ListChangeListener<ConnectionRow>) change -> rebuild());
        filter.textProperty().addListener((observable, before, text) -> rebuild());
    }

    private void rebuild() {
        TreeItem<ConnectionRow> previous = tree.getSelectionModel().getSelectedItem();
        String selectedKey = previous == null || previous.getValue() == null ? null : key(previous.getValue());
        String wanted = filter.getText() == null ? "" : filter.getText().trim();
        Map<String, TreeItem<ConnectionRow>> users = new TreeMap<>();
        for (ConnectionRow row : state.connections()) {
            if (!wanted.isEmpty() && !row.userId().contains(wanted)) {
                continue;
            }
            users.computeIfAbsent(row.userId(), user -> {
                TreeItem<ConnectionRow> item = new TreeItem<>(new ConnectionRow("", user, "", "", "", "", 0, 0));
                item.setExpanded(true);
                return item;
            }).getChildren().add(new TreeItem<>(row));
        }
        TreeItem<ConnectionRow> root = new TreeItem<>();
        root.getChildren().setAll(users.values());
        tree.setRoot(root);
        if (selectedKey != null) {
            // keep the operator's selection across refreshes
            for (TreeItem<ConnectionRow> user : users.values()) {
                if (key(user.getValue()).equals(selectedKey)) {
                    tree.getSelectionModel().select(user);
                }
                for (TreeItem<ConnectionRow> connection : user.getChildren()) {
                    if (key(connection.getValue()).equals(selectedKey)) {
                        tree.getSelectionModel().select(connection);
                    }
                }
            }
        }
        summary.setText(users.size() + " users, " + state.connections().size() + " connections");
    }

    private static String key(ConnectionRow row) {
        return row.userId() + "/" + row.connectionId();
    }

    private void disconnectSelected() {
        TreeItem<ConnectionRow> selected = tree.getSelectionModel().getSelectedItem();
        if (selected == null || selected.getValue() == null) {
            return;
        }
        ConnectionRow row = selected.getValue();
        var command = JsonNodeFactory.instance.objectNode();
        if (row.connectionId().isEmpty()) {
            command.put("type", "disconnect_user").put("user_id", row.userId());
        } else {
            command.put("type", "disconnect").put("connection_id", row.connectionId());
        }
        // one answer per click, so handing it to the FX thread directly is fine
        feed.command(command).whenComplete((reply, failure) -> Platform.runLater(() -> actionResult.setText(
                failure != null ? "failed: " + failure.getMessage()
                        : reply.path("type").asText().equals("error")
                        ? "refused: " + reply.path("code").asText() + " (" + reply.path("message").asText() + ")"
                        : "disconnected " + reply.path("result").path("disconnected").asInt())));
    }
}
