package dev.switchboard.console.ui.connections;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ClusterPicture;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.NodeFrame;
import dev.switchboard.console.feed.NodePage;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.state.NodeFilter;
import dev.switchboard.console.ui.common.CommandOutcome;
import dev.switchboard.console.ui.common.NaturalOrder;
import dev.switchboard.console.ui.common.TimeOfDay;
import dev.switchboard.router.monitor.wire.CommandReply;
import dev.switchboard.router.monitor.wire.ConnectionSummary;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
    /** Every connection by user, users in natural order (user-2 before user-10): what {@link #users} is cut from (kept in step with connections). */
    private final TreeMap<String, Map<String, ConnectionRow>> byUser = new TreeMap<>(NaturalOrder.INSTANCE);
    /**
     * The same maps found by hash: a lookup in {@link #byUser} compares ids in natural order about 14
     * times at 10,000 users, which made {@link #holds} half of what a filter cost.
     */
    private final Map<String, Map<String, ConnectionRow>> rowsOfUser = new HashMap<>();
    private final ObservableList<UserConnections> users = FXCollections.observableArrayList();
    private final ObservableList<UserConnections> usersView = FXCollections.unmodifiableObservableList(users);
    private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
    private final NodeFilter nodeFilter = new NodeFilter();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "");
    private final CommandOutcome actionResult;
    /** The last group made for each user shown, reused while its connections stay the same. */
    private final Map<String, UserConnections> groupCache = new HashMap<>();
    /** Per node ("" for a router alone): connections its last snapshot did not list. */
    private final Map<String, Integer> unlisted = new HashMap<>();

    /**
     * @param feed     where disconnect commands go
     * @param uiThread runs the answer's display (the FX thread's {@code Platform::runLater}; a
     *                 test's {@code Runnable::run})
     */
    public ConnectionsViewModel(ConsoleFeed feed, Executor uiThread) {
        this.feed = Objects.requireNonNull(feed, "feed must not be null");
        this.uiThread = Objects.requireNonNull(uiThread, "uiThread must not be null");
        this.actionResult = new CommandOutcome(uiThread);
        filter.addListener((observable, before, text) -> {
            refilter();
            if (unlisted.values().stream().anyMatch(count -> count > 0)) {
                refresh(); // the one the operator looks for may be among those the snapshot left out
            }
        });
        nodeFilter.selectedProperty().addListener((observable, before, node) -> refilter());
        refilter();
    }

    /**
     * Applies a batch at a cost that grows with what changed, not with the connections held: only
     * the users whose connections opened or closed are regrouped (a snapshot regroups everyone).
     */
    @Override
    public void apply(MonitorBatch batch) {
        nodeFilter.apply(batch);
        boolean everyone = false;
        Set<String> touched = new java.util.TreeSet<>(); // users in order: one change each, predictable
        for (NodeFrame tagged : batch.nodeFrames()) {
            String node = tagged.nodeId() == null ? "" : tagged.nodeId();
            if (tagged.frame() instanceof MonitorSnapshot snapshot) {
                // a node's snapshot replaces that node's connections (a router alone's: all of them)
                List<ConnectionRow> rows = new ArrayList<>();
                connections.stream().filter(row -> !node.isEmpty() && !row.nodeId().equals(node)).forEach(rows::add);
                snapshot.connections().forEach(connection -> rows.add(row(connection, node)));
                unlisted.put(node, snapshot.connectionsTotal() - snapshot.connections().size());
                if (!rows.equals(connections)) {
                    connections.setAll(rows);
                    index(); // before the updates that follow it in this batch, which may repeat some
                    everyone = true;
                }
            } else if (tagged.frame() instanceof MonitorUpdate update) {
                apply(update, node, touched);
            }
        }
        if (batch.cluster() != null) {
            // a node that is down holds no connection the console can vouch for: they come back with its snapshot
            Set<String> down = batch.cluster().nodes().stream().filter(node -> !node.up())
                    .map(ClusterPicture.Node::nodeId).collect(Collectors.toSet());
            if (connections.stream().anyMatch(row -> down.contains(row.nodeId()))) {
                connections.removeIf(row -> down.contains(row.nodeId()));
                index();
                everyone = true;
            }
            down.forEach(unlisted::remove);
        }
        if (everyone) {
            refilter();
        } else if (!touched.isEmpty()) {
            touched.forEach(this::regroup);
            summarise();
        }
    }

    /** Opened and closed connections, with one change per kind; the users they belong to go in {@code touched}. */
    private void apply(MonitorUpdate update, String node, Set<String> touched) {
        Map<String, ConnectionRow> opened = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        for (MonitorEvent event : update.events()) {
            if (event instanceof MonitorEvent.ConnectionOpened open && open.connection() != null) {
                ConnectionRow row = row(open.connection(), node);
                opened.put(row.connectionId(), row);
                touched.add(row.userId());
            } else if (event instanceof MonitorEvent.ConnectionClosed close && close.connection() != null) {
                String id = orEmpty(close.connection().connectionId());
                touched.add(orEmpty(close.connection().userId()));
                if (opened.remove(id) == null) {
                    closed.add(id);
                }
            }
        }
        if (!closed.isEmpty()) {
            int before = connections.size();
            connections.removeIf(row -> closed.contains(row.connectionId()));
            // a connection closing that the console never listed was one of the snapshot's unlisted
            int neverListed = closed.size() - (before - connections.size());
            unlisted.computeIfPresent(node, (key, count) -> Math.max(0, count - neverListed));
            for (MonitorEvent event : update.events()) {
                if (event instanceof MonitorEvent.ConnectionClosed close && close.connection() != null) {
                    Map<String, ConnectionRow> rows = rowsOfUser.get(orEmpty(close.connection().userId()));
                    if (rows != null) {
                        rows.remove(orEmpty(close.connection().connectionId()));
                    }
                }
            }
        }
        // the first update after a snapshot may repeat a connection the snapshot listed
        opened.values().removeIf(row -> rowsOfUser.getOrDefault(row.userId(), Map.of()).containsKey(row.connectionId()));
        if (!opened.isEmpty()) {
            connections.addAll(opened.values());
            opened.values().forEach(row -> rowsFor(row.userId()).put(row.connectionId(), row));
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

    /** Groups every connection by user again, after the connections were replaced (a snapshot, a node gone). */
    private void index() {
        byUser.clear();
        rowsOfUser.clear();
        for (ConnectionRow row : connections) {
            rowsFor(row.userId()).put(row.connectionId(), row);
        }
        groupCache.keySet().retainAll(rowsOfUser.keySet());
    }

    /** The user's connections by id, an empty map added for a user not held yet. */
    private Map<String, ConnectionRow> rowsFor(String userId) {
        Map<String, ConnectionRow> rows = rowsOfUser.get(userId);
        if (rows == null) {
            rows = new LinkedHashMap<>();
            rowsOfUser.put(userId, rows);
            byUser.put(userId, rows);
        }
        return rows;
    }

    /** Shows the groups the filters let through (the connections are grouped already). */
    private void refilter() {
        List<UserConnections> groups = new ArrayList<>();
        byUser.forEach((user, rows) -> {
            UserConnections group = shown(user, rows.values());
            if (group != null) {
                groups.add(group);
            }
        });
        if (!groups.equals(users)) {
            users.setAll(groups);
        }
        summarise();
    }

    /** Regroups one user, with one change to {@link #users} at most. */
    private void regroup(String userId) {
        Map<String, ConnectionRow> rows = rowsOfUser.get(userId);
        if (rows != null && rows.isEmpty()) {
            byUser.remove(userId);
            rowsOfUser.remove(userId);
            rows = null;
        }
        if (rows == null) {
            groupCache.remove(userId);
        }
        UserConnections group = rows == null ? null : shown(userId, rows.values());
        int index = indexOf(userId);
        if (index >= 0) {
            if (group == null) {
                users.remove(index);
            } else if (!group.equals(users.get(index))) {
                users.set(index, group);
            }
        } else if (group != null) {
            users.add(-index - 1, group);
        }
    }

    /** Where the user is in {@link #users} (in natural order of user ids), or {@code -(insertion point) - 1}. */
    private int indexOf(String userId) {
        int low = 0;
        int high = users.size() - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = NaturalOrder.INSTANCE.compare(users.get(middle).userId(), userId);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }

    /**
     * The user's group as the filters show it, or null when they hide all of it: the same instance
     * as last time when nothing in it changed, so that the view can keep that user's row.
     */
    private UserConnections shown(String userId, java.util.Collection<ConnectionRow> rows) {
        String wanted = filter.get() == null ? "" : filter.get().trim();
        if (!wanted.isEmpty() && !userId.contains(wanted)) {
            return null;
        }
        UserConnections before = groupCache.get(userId);
        if (before != null && shows(before.connections(), rows)) {
            return before; // without a list made to compare: a filter at 10,000 users asks this of every one
        }
        List<ConnectionRow> kept = rows.stream().filter(row -> nodeFilter.accepts(row.nodeId())).toList();
        if (kept.isEmpty()) {
            groupCache.remove(userId);
            return null;
        }
        UserConnections group = new UserConnections(userId, kept);
        groupCache.put(userId, group);
        return group;
    }

    /** Whether {@code shown} is exactly the rows of {@code rows} the node filter lets through, in order. */
    private boolean shows(List<ConnectionRow> shown, java.util.Collection<ConnectionRow> rows) {
        int next = 0;
        for (ConnectionRow row : rows) {
            if (!nodeFilter.accepts(row.nodeId())) {
                continue;
            }
            if (next == shown.size() || !shown.get(next).equals(row)) {
                return false;
            }
            next++;
        }
        return next == shown.size();
    }

    private void summarise() {
        int notListed = unlisted.values().stream().mapToInt(Integer::intValue).sum();
        summary.set(String.format(java.util.Locale.ROOT, "%,d users, %,d connections", users.size(),
                connections.size() + notListed) + (notListed > 0 ? String.format(java.util.Locale.ROOT,
                " (%,d listed: the router sent the most active; filter by user to find the others)",
                connections.size()) : ""));
    }

    /**
     * Connections one refresh asks each node for: more than a screen holds, few enough that a
     * refresh at 10,000 connections changes a few hundred rows, not thousands.
     */
    static final int PAGE = 200;

    /**
     * Asks the router (each live node) for the figures of the connections the filter shows, at most
     * {@link #PAGE} per node: activity and messages in and out change without an event, so a visible
     * view refreshes them. When the snapshot listed only the most active connections, the page also
     * brings in the ones the filter finds among the rest. The answer is applied on the UI thread,
     * once per refresh.
     */
    public void refresh() {
        String wanted = filter.get() == null ? "" : filter.get().trim();
        // the router takes part of a user id (its characters, at most 64); anything else would be refused
        String asked = wanted.matches("[A-Za-z0-9._@-]{1,64}") ? wanted : "";
        feed.connectionPages(asked, PAGE).whenComplete((pages, failure) -> {
            if (failure == null && !pages.isEmpty()) {
                uiThread.execute(() -> applyPages(pages));
            }
        });
    }

    /** Fresh figures for the rows the pages hold, and rows for the ones the console did not hold. */
    void applyPages(List<NodePage> pages) {
        Map<String, ConnectionRow> fresh = new LinkedHashMap<>();
        Map<String, Integer> newPerNode = new HashMap<>();
        for (NodePage page : pages) {
            String node = page.nodeId() == null ? "" : page.nodeId();
            page.page().connections().forEach(connection -> fresh.put(orEmpty(connection.connectionId()),
                    row(connection, node)));
        }
        Set<String> touched = new java.util.TreeSet<>();
        List<ConnectionRow> changed = new ArrayList<>();
        // rows replaced where they are, one by one: a page changes a few hundred of 10,000 rows, and
        // whoever follows the list (the inject panel) pays for those, not for all of them
        for (int i = 0; i < connections.size() && !fresh.isEmpty(); i++) {
            ConnectionRow row = connections.get(i);
            ConnectionRow update = fresh.remove(row.connectionId());
            if (update != null && !update.equals(row)) {
                touched.add(row.userId());
                changed.add(update);
                connections.set(i, update);
            }
        }
        // the rest the console did not hold: connections the snapshot left out
        fresh.values().forEach(row -> {
            changed.add(row);
            touched.add(row.userId());
            newPerNode.merge(row.nodeId(), 1, Integer::sum);
        });
        if (touched.isEmpty()) {
            return;
        }
        connections.addAll(fresh.values());
        newPerNode.forEach((node, count) -> unlisted.computeIfPresent(node, (key, left) -> Math.max(0, left - count)));
        for (ConnectionRow row : changed) {
            rowsFor(row.userId()).put(row.connectionId(), row);
        }
        touched.forEach(this::regroup);
        summarise();
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
        send(row, command, ConnectionsViewModel::describe);
    }

    /**
     * Asks the router to empty ({@code drain}) or fill the per-user rate-limit bucket of the row's
     * user; the answer shows in {@link #actionResultProperty()}.
     */
    public void bucket(ConnectionRow row, boolean drain) {
        if (row == null) {
            return;
        }
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "bucket").put("user_id", row.userId())
                .put("action", drain ? "drain" : "refill");
        send(row, command, reply -> describeBucket(row.userId(), drain, reply));
    }

    /** How long "Trace user" traces every message of the user. */
    static final long TRACE_USER_MS = 600_000;

    /**
     * Asks the router to trace every message of the row's user for 10 minutes, whatever its
     * sampling, so that the live log's Why? finds each of them.
     */
    public void traceUser(ConnectionRow row) {
        if (row == null) {
            return;
        }
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "trace_user")
                .put("user_id", row.userId()).put("for_ms", TRACE_USER_MS);
        send(row, command, reply -> reply.isError() ? refusal(reply) : row.userId() + " traced until "
                + TimeOfDay.format(java.time.Instant.parse(reply.resultText("until")))
                + ": every message (Live log, Why?)");
    }

    /** Room a squeeze from this view leaves the user: one queued message, one unsent frame per connection. */
    static final int SQUEEZED_TO = 1;

    /**
     * Asks the router to squeeze the row's user for 10 minutes (one queued message, one unsent frame
     * per connection: its next burst is refused with {@code overloaded} or closes its connections with
     * 1013), or ({@code squeeze} false) to lift it now.
     */
    public void squeeze(ConnectionRow row, boolean squeeze) {
        if (row == null) {
            return;
        }
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "squeeze").put("user_id", row.userId())
                .put("action", squeeze ? "set" : "reset");
        if (squeeze) {
            command.put("queue_per_user", SQUEEZED_TO).put("outbox_frames", SQUEEZED_TO);
        }
        send(row, command, reply -> reply.isError() ? refusal(reply) : row.userId()
                + (squeeze ? " squeezed to 1 queued message and 1 unsent frame for 10 minutes" : " back to normal"));
    }

    /**
     * Sends {@code command} to the node holding the row's connection (a user's row, or a router
     * alone: whichever node the feed picks); its answer, in {@code words}, goes to
     * {@link #actionResultProperty()}.
     */
    private void send(ConnectionRow row, ObjectNode command, java.util.function.Function<CommandReply, String> words) {
        String node = row.connectionId().isEmpty() || row.nodeId().isEmpty() ? null : row.nodeId();
        actionResult.show(feed.command(node, command), words);
    }

    private static String refusal(CommandReply reply) {
        return CommandOutcome.refusal(reply);
    }

    /** A bucket command's answer in words: "alice's bucket drained: 0 tokens left". */
    static String describeBucket(String userId, boolean drain, CommandReply reply) {
        return reply.isError() ? refusal(reply)
                : userId + "'s bucket " + (drain ? "drained" : "refilled") + ": " + reply.resultCount("tokens")
                + " tokens left";
    }

    /** A disconnect's answer in words. */
    static String describe(CommandReply reply) {
        return reply.isError() ? refusal(reply) : "disconnected " + reply.resultCount("disconnected");
    }

    /** Every open connection, in the router's order. */
    public ObservableList<ConnectionRow> connections() {
        return connectionsView;
    }

    /** Whether {@code userId} has a connection the console holds (shown or hidden by the filters). */
    public boolean holds(String userId) {
        return rowsOfUser.containsKey(userId);
    }

    /** The connections the filter lets through, by user (users in natural order of their ids). */
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
        return actionResult.textProperty();
    }
}
