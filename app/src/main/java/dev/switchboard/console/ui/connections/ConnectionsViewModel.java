package dev.switchboard.console.ui.connections;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.router.monitor.wire.CommandReply;
import dev.switchboard.router.monitor.wire.ConnectionSummary;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
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
    }

    private final ConsoleFeed feed;
    private final Executor uiThread;
    private final ObservableList<ConnectionRow> connections = FXCollections.observableArrayList();
    private final ObservableList<ConnectionRow> connectionsView = FXCollections.unmodifiableObservableList(connections);
    private final ObservableList<UserConnections> users = FXCollections.observableArrayList();
    private final ObservableList<UserConnections> usersView = FXCollections.unmodifiableObservableList(users);
    private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
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
        regroup();
    }

    @Override
    public void apply(MonitorBatch batch) {
        for (MonitorFrame frame : batch.frames()) {
            if (frame instanceof MonitorSnapshot snapshot) {
                List<ConnectionRow> rows = snapshot.connections().stream().map(ConnectionsViewModel::row).toList();
                if (!rows.equals(connections)) {
                    connections.setAll(rows);
                }
            } else if (frame instanceof MonitorUpdate update) {
                apply(update);
            }
        }
    }

    /** Opened and closed connections, with one change per kind. */
    private void apply(MonitorUpdate update) {
        List<ConnectionRow> opened = new ArrayList<>();
        Set<String> closed = new HashSet<>();
        for (MonitorEvent event : update.events()) {
            if (event instanceof MonitorEvent.ConnectionOpened open && open.connection() != null) {
                opened.add(row(open.connection()));
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

    static ConnectionRow row(ConnectionSummary connection) {
        return new ConnectionRow(orEmpty(connection.connectionId()), orEmpty(connection.userId()),
                orEmpty(connection.remoteAddress()), orEmpty(connection.threadId()),
                connection.connectedAt() == null ? "" : connection.connectedAt().toString(),
                connection.lastActivity() == null ? "" : connection.lastActivity().toString(),
                connection.messagesIn(), connection.messagesOut());
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private void regroup() {
        String wanted = filter.get() == null ? "" : filter.get().trim();
        Map<String, List<ConnectionRow>> byUser = new TreeMap<>();
        for (ConnectionRow row : connections) {
            if (wanted.isEmpty() || row.userId().contains(wanted)) {
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
     * Asks the router to close one connection ({@code row} with a connection id) or all of a
     * user's (a user's row: no connection id); the answer shows in {@link #actionResultProperty()}.
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
        feed.command(command).whenComplete((reply, failure) -> {
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

    /** "2 users, 3 connections" (the users shown, all connections). */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The last disconnect's answer: "disconnected 1", "refused: forbidden (…)", "failed: …". */
    public ReadOnlyStringProperty actionResultProperty() {
        return actionResult.getReadOnlyProperty();
    }
}
