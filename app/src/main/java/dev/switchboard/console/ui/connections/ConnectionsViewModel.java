package dev.switchboard.console.ui.connections;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ClusterPicture;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.NodeFrame;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.state.NodeFilter;
import dev.switchboard.console.ui.common.TimeOfDay;
import dev.switchboard.router.monitor.wire.CommandReply;
import dev.switchboard.router.monitor.wire.ConnectionSummary;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The connections view's state: the router's open connections (a snapshot's list, then the
 * updates' opened and closed events), grouped by user and filtered by part of a user id, and the
 * operator's disconnect with the router's answer in words. No scene graph.
 */
public final class ConnectionsViewModel implements MonitorBatch.Listener {

    /**
     * One user's connections, as the tree shows them.
     *
     * @param userId      the user
     * @param connections its connections, in the router's order
     */
    public record UserConnections(String userId, List<ConnectionRow> connections) {
        public UserConnections {
            connections = List.copyOf(connections);
        }

        /** The nodes holding the user's connections, in order ("n1, n3"; empty for a router alone). */
        public String nodes() {
            return connections.stream().map(ConnectionRow::nodeId).filter(node -> !node.isEmpty()).distinct().sorted()
                    .collect(Collectors.joining(", "));
        }
    }

    private final ConsoleFeed feed;
    private final Executor uiThread;
    private final ObservableList<ConnectionRow> connections = FXCollections.observableArrayList();
    private final ObservableList<ConnectionRow> connectionsView = FXCollections.unmodifiableObservableList(connections);
    private final ObservableList<UserConnections> users = FXCollections.observableArrayList();
    private final ObservableList<UserConnections> usersView = FXCollections.unmodifiableObservableList(users);
    private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
    private final NodeFilter nodeFilter = new NodeFilter();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final ReadOnlyStringWrapper actionResult = new ReadOnlyStringWrapper(this, "actionResult", "");

    /**
     * @param feed     where disconnect commands go
     * @param uiThread runs the answer's display (the FX thread's {@code Platform::runLater}; a
     *                 test's {@code Runnable::run})
     */
    public ConnectionsViewModel(ConsoleFeed feed, Executor uiThread) {
        this.feed = Objects.requireNonNull(feed, "feed must not be null");
        this.uiThread = Objects.requireNonNull(uiThread, "uiThread must not be null");
        connections.addListener((ListChangeListener<ConnectionRow>) change -> regroup());
        filter.addListener((observable, before, text) -> regroup());
        nodeFilter.selectedProperty().addListener((observable, before, node) -> regroup());
        regroup();
    }

    @Override
    public void apply(MonitorBatch batch) {
        nodeFilter.apply(batch);
        for (NodeFrame tagged : batch.nodeFrames()) {
            String node = tagged.nodeId() == null ? "" : tagged.nodeId();
            if (tagged.frame() instanceof MonitorSnapshot snapshot) {
                // a node's snapshot replaces that node's connections (a router alone's: all of them)
                List<ConnectionRow> rows = new ArrayList<>();
                connections.stream().filter(row -> !node.isEmpty() && !row.nodeId().equals(node)).forEach(rows::add);
                snapshot.connections().forEach(connection -> rows.add(row(connection, node)));
                if (!rows.equals(connections)) {
                    connections.setAll(rows);
                }
            } else if (tagged.frame() instanceof MonitorUpdate update) {
                apply(update, node);
            }
        }
        if (batch.cluster() != null) {
            // a node that is down holds no connection the console can vouch for: they come back with its snapshot
            Set<String> down = batch.cluster().nodes().stream().filter(node -> !node.up())
                    .map(ClusterPicture.Node::nodeId).collect(Collectors.toSet());
            if (connections.stream().anyMatch(row -> down.contains(row.nodeId()))) {
                connections.removeIf(row -> down.contains(row.nodeId()));
            }
        }
    }

    /** Opened and closed connections, with one change per kind. */
    private void apply(MonitorUpdate update, String node) {
        List<ConnectionRow> opened = new ArrayList<>();
        Set<String> closed = new HashSet<>();
        for (MonitorEvent event : update.events()) {
            if (event instanceof MonitorEvent.ConnectionOpened open && open.connection() != null) {
                opened.add(row(open.connection(), node));
            } else if (event instanceof MonitorEvent.ConnectionClosed close && close.connection() != null) {
                String id = close.connection().connectionId();
                if (!opened.removeIf(row -> row.connectionId().equals(id))) {
                    closed.add(id);
                }
            }
        }
        if (!closed.isEmpty()) {
            connections.removeAll(connections.stream().filter(row -> closed.contains(row.connectionId())).toList());
        }
        if (!opened.isEmpty()) {
            connections.addAll(opened);
        }
    }

    static ConnectionRow row(ConnectionSummary connection, String node) {
        return new ConnectionRow(orEmpty(connection.connectionId()), orEmpty(connection.userId()),
                orEmpty(connection.remoteAddress()), orEmpty(connection.threadId()),
                connection.connectedAt() == null ? "" : TimeOfDay.format(connection.connectedAt()),
                connection.lastActivity() == null ? "" : TimeOfDay.format(connection.lastActivity()),
                connection.messagesIn(), connection.messagesOut(), node);
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private void regroup() {
        String wanted = filter.get() == null ? "" : filter.get().trim();
        Map<String, List<ConnectionRow>> byUser = new TreeMap<>();
        for (ConnectionRow row : connections) {
            if ((wanted.isEmpty() || row.userId().contains(wanted)) && nodeFilter.accepts(row.nodeId())) {
                byUser.computeIfAbsent(row.userId(), user -> new ArrayList<>()).add(row);
            }
        }
        List<UserConnections> groups = new ArrayList<>();
        byUser.forEach((user, rows) -> groups.add(new UserConnections(user, rows)));
        if (!groups.equals(users)) {
            users.setAll(groups);
        }
        summary.set(byUser.size() + " users, " + connections.size() + " connections");
    }

    /**
     * Asks the router to close one connection ({@code row} with a connection id: the node holding
     * it) or all of a user's (a user's row, no connection id: every node holding one); the answer
     * shows in {@link #actionResultProperty()}.
     */
    public void disconnect(ConnectionRow row) {
        if (row == null) {
            return;
        }
        ObjectNode command = JsonNodeFactory.instance.objectNode();
        if (row.connectionId().isEmpty()) {
            command.put("type", "disconnect_user").put("user_id", row.userId());
        } else {
            command.put("type", "disconnect").put("connection_id", row.connectionId());
        }
        // one answer per click, so handing it to the UI thread directly is fine
        String node = row.connectionId().isEmpty() || row.nodeId().isEmpty() ? null : row.nodeId();
        feed.command(node, command).whenComplete((reply, failure) -> {
            String text;
            try {
                text = failure != null ? "failed: " + failure.getMessage() : describe(CommandReply.of(reply));
            } catch (IllegalArgumentException unreadable) {
                text = "failed: the router's answer could not be read";
            }
            String shown = text;
            uiThread.execute(() -> actionResult.set(shown));
        });
    }

    /** A disconnect's answer in words. */
    static String describe(CommandReply reply) {
        return reply.isError() ? "refused: " + reply.code() + " (" + reply.message() + ")"
                : "disconnected " + reply.resultCount("disconnected");
    }

    /** Every open connection, in the router's order. */
    public ObservableList<ConnectionRow> connections() {
        return connectionsView;
    }

    /** The connections the filter lets through, by user (users sorted by id). */
    public ObservableList<UserConnections> users() {
        return usersView;
    }

    /** Part of a user id; empty shows everyone. */
    public StringProperty filterProperty() {
        return filter;
    }

    /** The cluster node whose connections are shown. */
    public NodeFilter nodeFilter() {
        return nodeFilter;
    }

    /** "2 users, 3 connections" (the users shown, all connections). */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The last disconnect's answer: "disconnected 1", "refused: forbidden (…)", "failed: …". */
    public ReadOnlyStringProperty actionResultProperty() {
        return actionResult.getReadOnlyProperty();
    }
}
