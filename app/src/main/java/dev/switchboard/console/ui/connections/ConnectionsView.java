package dev.switchboard.console.ui.connections;

import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.ui.common.NodeChoice;
import dev.switchboard.console.ui.common.OperatorOnly;
import dev.switchboard.console.ui.common.Tables;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.controlsfx.control.textfield.TextFields;

/**
 * Users and their connections; an operator can disconnect one connection or all of a user's, open
 * the inject panel as the selected user, or drain or refill the user's rate-limit bucket.
 */
public final class ConnectionsView extends BorderPane {
    private final ConnectionsViewModel model;
    private final Consumer<String> injectAs;
    private final TreeTableView<ConnectionRow> tree = new TreeTableView<>();
    private final TextField filter = TextFields.createClearableTextField();
    private final Label summary = new Label();
    private final Label actionResult = new Label();
    private final Button disconnect = new Button("Disconnect");
    private final Button inject = new Button("Inject as…");
    private final Button drain = new Button("Drain bucket");
    private final Button trace = new Button("Trace user");
    private final Button refill = new Button("Refill bucket");
    private final Button squeeze = new Button("Squeeze");
    private final Button unsqueeze = new Button("Unsqueeze");

    private final ObservableBooleanValue operator;
    /** Up to this many users every user's connections show; beyond, a user's show when it is expanded. */
    public static final int EXPAND_ALL_UP_TO = 200;
    /** A change to more users than this rebuilds the tree instead. */
    private static final int REBUILD_OVER = 500;
    /** Made-up users a rehearsal lays out (a screenful of rows on a large screen), and how many times. */
    private static final int REHEARSED_USERS = 60;
    private static final int REHEARSAL_PASSES = 3;
    private boolean expandAll = true;
    /** The row made for each user, reused while the model hands the same group. */
    private final java.util.Map<String, UserItem> items = new java.util.HashMap<>();

    /**
     * @param injectAs opens the inject panel as a user (the selected row's)
     * @param operator whether this console may take operator actions (disconnect, inject as a user)
     */
    public ConnectionsView(ConnectionsViewModel model, Consumer<String> injectAs, ObservableBooleanValue operator) {
        this.model = model;
        this.injectAs = injectAs;
        this.operator = operator;
        createView();
        initListeners();
        rebuild();
    }

    private void createView() {
        setId("connections");
        tree.setId("connections-tree");
        tree.setShowRoot(false);
        tree.setPlaceholder(Tables.placeholder("No client is connected (or none matches the filter)."));
        tree.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Tables.textColumn(tree, "User / connection", row -> row.connectionId().isEmpty() ? row.userId() : row.connectionId());
        NodeChoice.onlyInCluster(Tables.textColumn(tree, "Node", ConnectionRow::nodeId), model.nodeFilter());
        Tables.textColumn(tree, "Remote address", ConnectionRow::remoteAddress);
        Tables.textColumn(tree, "Thread", ConnectionRow::threadId);
        Tables.textColumn(tree, "Connected at", ConnectionRow::connectedAt);
        Tables.textColumn(tree, "Last activity", ConnectionRow::lastActivity);
        Tables.textColumn(tree, "In", row -> Long.toString(row.messagesIn()));
        Tables.textColumn(tree, "Out", row -> Long.toString(row.messagesOut()));
        filter.setId("connections-filter");
        filter.setPromptText("filter by user");
        disconnect.setId("connections-disconnect");
        inject.setId("connections-inject");
        drain.setId("connections-drain");
        drain.setTooltip(new javafx.scene.control.Tooltip("Empty the selected user's rate-limit bucket: its next"
                + " messages are refused with rate_limited until it refills"));
        refill.setId("connections-refill");
        squeeze.setId("connections-squeeze");
        squeeze.setTooltip(new javafx.scene.control.Tooltip("For 10 minutes, give the selected user room for one"
                + " queued message and one unsent frame per connection: its next burst is refused with overloaded"
                + " or closes its connections with 1013"));
        unsqueeze.setId("connections-unsqueeze");
        trace.setId("connections-trace");
        trace.setTooltip(new javafx.scene.control.Tooltip("For 10 minutes, have the router trace every message of"
                + " the selected user, whatever its sampling: the Live log's Why? then shows each one's path"));
        for (Button button : java.util.List.of(disconnect, inject, drain, refill, squeeze, unsqueeze, trace)) {
            // the buttons keep their words; the summary and the last answer give way
            button.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        actionResult.setId("connections-action-result");
        BooleanBinding nothingSelected = tree.getSelectionModel().selectedItemProperty().isNull();
        HBox bar = new HBox(8, filter, NodeChoice.of(model.nodeFilter(), "connections-node-filter"),
                OperatorOnly.guard(disconnect, operator, nothingSelected, "Disconnecting"),
                OperatorOnly.guard(inject, operator, nothingSelected, "Sending as another user"),
                OperatorOnly.guard(drain, operator, nothingSelected, "Draining a bucket"),
                OperatorOnly.guard(refill, operator, nothingSelected, "Refilling a bucket"),
                OperatorOnly.guard(squeeze, operator, nothingSelected, "Squeezing a user"),
                OperatorOnly.guard(unsqueeze, operator, nothingSelected, "Unsqueezing a user"),
                OperatorOnly.guard(trace, operator, nothingSelected, "Tracing a user"));
        bar.setPadding(new Insets(8, 8, 4, 8));
        filter.setMinWidth(140);
        // what the list holds and what the last action did, on a line of their own: never cut
        HBox status = new HBox(16, summary, actionResult);
        status.setPadding(new Insets(0, 8, 6, 8));
        setTop(new javafx.scene.layout.VBox(bar, status));
        setCenter(tree);
    }

    private void initListeners() {
        filter.textProperty().bindBidirectional(model.filterProperty());
        summary.textProperty().bind(model.summaryProperty());
        actionResult.textProperty().bind(model.actionResultProperty());
        model.users().addListener(this::usersChanged);
        disconnect.setOnAction(event -> {
            ConnectionRow row = selectedRow();
            if (row != null && confirmed(row)) {
                model.disconnect(row);
            }
        });
        drain.setOnAction(event -> model.bucket(selectedRow(), true));
        refill.setOnAction(event -> model.bucket(selectedRow(), false));
        squeeze.setOnAction(event -> model.squeeze(selectedRow(), true));
        unsqueeze.setOnAction(event -> model.squeeze(selectedRow(), false));
        trace.setOnAction(event -> model.traceUser(selectedRow()));
        inject.setOnAction(event -> {
            ConnectionRow row = selectedRow();
            if (row != null) {
                injectAs.accept(row.userId());
            }
        });
    }

    /** Disconnecting cuts real users off: the operator says yes first. */
    private static boolean confirmed(ConnectionRow row) {
        boolean wholeUser = row.connectionId().isEmpty();
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, "Their client sees its connection closed (1000) and"
                + " may reconnect; runs they started are cancelled.", ButtonType.OK, ButtonType.CANCEL);
        alert.setTitle("Disconnect");
        alert.setHeaderText(wholeUser ? "Disconnect every connection of " + row.userId() + "?"
                : "Disconnect " + row.userId() + "'s connection " + row.connectionId() + "?");
        alert.getDialogPane().setId("disconnect-confirm");
        return alert.showAndWait().filter(ButtonType.OK::equals).isPresent();
    }

    private ConnectionRow selectedRow() {
        TreeItem<ConnectionRow> selected = tree.getSelectionModel().getSelectedItem();
        return selected == null ? null : selected.getValue();
    }

    /**
     * Applies the model's change to the tree item by item (a user's connections opening or closing
     * touch that user's row only), and rebuilds it only when most of it changed: at 10,000
     * connections a tick costs what changed in it.
     */
    private void usersChanged(ListChangeListener.Change<? extends ConnectionsViewModel.UserConnections> change) {
        TreeItem<ConnectionRow> root = tree.getRoot();
        if (root == null || expandAll != model.users().size() <= EXPAND_ALL_UP_TO) {
            rebuild();
            return;
        }
        ConnectionRow previous = selectedRow();
        unfocusUnlessSelected();
        List<TreeItem<ConnectionRow>> children = root.getChildren();
        while (change.next()) {
            if (change.wasPermutated() || change.getRemovedSize() + change.getAddedSize() > REBUILD_OVER) {
                rebuild();
                return;
            }
            if (change.wasRemoved()) {
                children.subList(change.getFrom(), change.getFrom() + change.getRemovedSize()).clear();
                change.getRemoved().forEach(group -> items.remove(group.userId()));
            }
            if (change.wasAdded()) {
                children.addAll(change.getFrom(), change.getAddedSubList().stream().map(this::userItem).toList());
            }
        }
        if (previous != null && selectedRow() == null) {
            reselect(key(previous));
        }
    }

    /**
     * Rebuilds the tree from the model's groups, keeping the operator's selection. Rows of users
     * still connected are kept even when the filter hides them, so that clearing the filter at
     * 10,000 users reuses 10,000 rows instead of making them again.
     */
    private void rebuild() {
        ConnectionRow previous = selectedRow();
        TreeItem<ConnectionRow> root = tree.getRoot();
        if (root == null) {
            root = new TreeItem<>();
            tree.setRoot(root);
        }
        root.getChildren().clear(); // first: rows kept below then change their expansion without a tree to tell
        expandAll = model.users().size() <= EXPAND_ALL_UP_TO;
        items.keySet().removeIf(user -> !model.holds(user));
        root.getChildren().setAll(model.users().stream().map(this::userItem).toList());
        if (previous != null) {
            reselect(key(previous));
        }
        unfocusUnlessSelected();
    }

    /**
     * No focused row unless one is selected: the tree's focus model looks up the focused row's index
     * (a walk over every row) at each change to the tree, which at 10,000 users costs more than the
     * change.
     */
    private void unfocusUnlessSelected() {
        if (tree.getSelectionModel().getSelectedItem() == null && tree.getFocusModel().getFocusedIndex() != -1) {
            tree.getFocusModel().focus(-1);
        }
    }

    private void reselect(String selectedKey) {
        for (TreeItem<ConnectionRow> user : tree.getRoot().getChildren()) {
            if (!selectedKey.startsWith(user.getValue().userId() + "/")) {
                continue;
            }
            if (key(user.getValue()).equals(selectedKey)) {
                tree.getSelectionModel().select(user);
                return;
            }
            for (TreeItem<ConnectionRow> connection : user.getChildren()) {
                if (key(connection.getValue()).equals(selectedKey)) {
                    tree.getSelectionModel().select(connection);
                    return;
                }
            }
        }
    }

    /**
     * Lays the tree out with {@code layout} on a screenful of made-up users, every other one
     * expanded, three times (scrolled further each time), then gives it back its own rows. The first
     * rows a tree shows cost it their cells' making and styling in each state a row can be in (a user
     * expanded, collapsed, a connection), once; rehearsed before the window shows, that is not paid as
     * a freeze when the first users connect, nor at the first opening at 10,000 connections. Only an
     * empty tree is rehearsed: one holding users makes its cells on them.
     */
    public void rehearse(Runnable layout) {
        TreeItem<ConnectionRow> own = tree.getRoot();
        if (!own.getChildren().isEmpty()) {
            layout.run();
            return;
        }
        TreeItem<ConnectionRow> madeUp = new TreeItem<>();
        for (int i = 0; i < REHEARSED_USERS; i++) {
            String user = "rehearsal-" + i;
            UserItem item = new UserItem(new ConnectionsViewModel.UserConnections(user, List.of(new ConnectionRow(
                    "c" + i, user, "127.0.0.1:50000", "ws-io-1", "12:00:00.000", "12:00:00.000", i, i))));
            item.setExpanded(i % 2 == 0);
            madeUp.getChildren().add(item);
        }
        tree.setRoot(madeUp);
        layout.run();
        // again, scrolled: the cells take other rows, as they do at every change at 10,000 users, so
        // that their code has run more than once before the first opening (without load, that
        // opening took 88-104 ms of a core after three passes, 110-145 ms after one)
        for (int pass = 1; pass < REHEARSAL_PASSES; pass++) {
            tree.scrollTo(pass * REHEARSED_USERS / 2); // a screenful further on, of the 90 rows
            layout.run();
        }
        tree.setRoot(own); // laid out again when it shows
    }

    private TreeItem<ConnectionRow> userItem(ConnectionsViewModel.UserConnections group) {
        UserItem before = items.get(group.userId());
        if (before != null && before.group == group) {
            before.setExpanded(expandAll);
            return before; // nothing in it changed: keep its row (and its children if made)
        }
        UserItem user = new UserItem(group);
        user.setExpanded(expandAll);
        items.put(group.userId(), user);
        return user;
    }

    /** A user's row; its connections' rows are made when it is first expanded. */
    private static final class UserItem extends TreeItem<ConnectionRow> {
        private final ConnectionsViewModel.UserConnections group;
        private final List<ConnectionRow> rows;
        private boolean loaded;

        UserItem(ConnectionsViewModel.UserConnections group) {
            super(summaryRow(group));
            this.group = group;
            this.rows = group.connections();
        }

        /**
         * The user's row: how many connections, the latest activity and the messages of all of them,
         * so that a collapsed user still says what it is doing.
         */
        private static ConnectionRow summaryRow(ConnectionsViewModel.UserConnections group) {
            List<ConnectionRow> rows = group.connections();
            String last = rows.stream().map(ConnectionRow::lastActivity).max(String::compareTo).orElse("");
            String count = rows.size() == 1 ? "1 connection" : rows.size() + " connections";
            return new ConnectionRow("", group.userId(), count, "", "", last,
                    rows.stream().mapToLong(ConnectionRow::messagesIn).sum(),
                    rows.stream().mapToLong(ConnectionRow::messagesOut).sum(), group.nodes());
        }

        @Override
        public boolean isLeaf() {
            return rows.isEmpty();
        }

        @Override
        public javafx.collections.ObservableList<TreeItem<ConnectionRow>> getChildren() {
            if (!loaded) {
                loaded = true;
                super.getChildren().setAll(rows.stream().map(TreeItem::new).toList());
            }
            return super.getChildren();
        }
    }

    private static String key(ConnectionRow row) {
        return row.userId() + "/" + row.connectionId();
    }
}
