package dev.switchboard.console.ui.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.LogRow;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.ui.why.WhyViewModel;
import dev.switchboard.router.connections.ConnectionClose;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.routing.RoutingStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The live log's state: every message in and event out, oldest first and bounded, the filters
 * (user, type, direction) and pause, which freezes what is shown while the log goes on. No scene
 * graph.
 */
public final class LogViewModel implements MonitorBatch.Listener {
    /** What the close codes a router sends or sees mean, in a few words (RFC 6455 section 7.4.1). */
    private static final Map<Integer, String> CLOSE_MEANINGS = Map.ofEntries(Map.entry(1000, "normal"),
            Map.entry(1001, "going away"), Map.entry(1002, "protocol error"), Map.entry(1003, "unsupported data"),
            Map.entry(1005, "no code"), Map.entry(1006, "abnormal"), Map.entry(1007, "invalid UTF-8"),
            Map.entry(1008, "policy violation"), Map.entry(1009, "too big"), Map.entry(1011, "server error"),
            Map.entry(1013, "try again later"));

    /** The directions a user can pick. */
    public static final List<String> DIRECTIONS = List.of("both", "in", "out");

    private final int limit;
    private final ObservableList<LogRow> lines = FXCollections.observableArrayList();
    private final ObservableList<LogRow> linesView = FXCollections.unmodifiableObservableList(lines);
    private final FilteredList<LogRow> filtered = new FilteredList<>(linesView);
    private final StringProperty userFilter = new SimpleStringProperty(this, "userFilter", "");
    private final StringProperty typeFilter = new SimpleStringProperty(this, "typeFilter", "");
    private final ObjectProperty<String> direction = new SimpleObjectProperty<>(this, "direction", "both");
    private final BooleanProperty paused = new SimpleBooleanProperty(this, "paused");
    private final ReadOnlyObjectWrapper<ObservableList<LogRow>> shown = new ReadOnlyObjectWrapper<>(this, "shown",
            filtered);
    private final ReadOnlyStringWrapper pauseText = new ReadOnlyStringWrapper(this, "pauseText", "Pause");

    private final WhyViewModel why;
    private final ReadOnlyBooleanWrapper whyable = new ReadOnlyBooleanWrapper(this, "whyable");

    /** A log with no one to ask why (a test). */
    public LogViewModel(ConsoleState.Limits limits) {
        this(limits, new WhyViewModel(null, Runnable::run));
    }

    /** @param why answers Why for the selected line (asks the router, or the traces it sent) */
    public LogViewModel(ConsoleState.Limits limits, WhyViewModel why) {
        this.why = why;
        this.limit = limits.logLines();
        // the whole event, written only when a line is selected (never per event on the tick)
        selected.addListener((observable, before, row) -> {
            details.set(row == null ? "" : row.json());
            whyable.set(why.canAsk(question(row)));
        });
        userFilter.addListener((observable, before, text) -> refilter());
        typeFilter.addListener((observable, before, text) -> refilter());
        direction.addListener((observable, before, value) -> refilter());
        paused.addListener((observable, before, on) -> {
            pauseText.set(on ? "Resume" : "Pause");
            shown.set(on ? FXCollections.unmodifiableObservableList(FXCollections.observableArrayList(filtered))
                    : filtered);
        });
    }

    private void refilter() {
        String user = userFilter.get() == null ? "" : userFilter.get().trim();
        String type = typeFilter.get() == null ? "" : typeFilter.get().trim();
        String dir = direction.get() == null ? "both" : direction.get();
        filtered.setPredicate(row -> (user.isEmpty() || row.userId().contains(user))
                && (type.isEmpty() || row.type().contains(type))
                && ("both".equals(dir) || row.direction().equals(dir)));
    }

    private final ObjectProperty<LogRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final javafx.beans.property.ReadOnlyStringWrapper details =
            new javafx.beans.property.ReadOnlyStringWrapper(this, "details", "");


    /** The line selected in the table, or null. */
    public ObjectProperty<LogRow> selectedProperty() {
        return selected;
    }

    /** Whether the selected line can be asked why (a message, a reply, a run event) of a live router. */
    public ReadOnlyBooleanProperty whyableProperty() {
        return whyable.getReadOnlyProperty();
    }

    /**
     * Asks why the selected line's message went where it went (the router's {@code trace}, or the
     * trace it sent); the answer shows in the Why pane, the event stays where it is shown.
     *
     * @return the answer, once the router gave it; or null when the selected line cannot be asked about
     */
    public java.util.concurrent.CompletionStage<WhyViewModel.Answer> why() {
        WhyViewModel.Question question = question(selected.get());
        return why.canAsk(question) ? why.ask(question) : null;
    }

    /** The question a line asks Why, or null when it names no message nor run. */
    static WhyViewModel.Question question(LogRow row) {
        if (row == null || row.userId().isEmpty() || row.source() == null) {
            return null;
        }
        if (row.source() instanceof MonitorEvent.MessageIn message && message.messageId() != null) {
            return WhyViewModel.Question.message(row.userId(), message.messageId());
        }
        if (row.source() instanceof MonitorEvent.Reply reply && reply.replyTo() != null
                && !reply.type().equals("rpc_result")) {
            return WhyViewModel.Question.message(row.userId(), reply.replyTo());
        }
        if (row.source() instanceof MonitorEvent.RunEvent run && run.runId() != null) {
            return WhyViewModel.Question.run(row.userId(), run.runId());
        }
        return null;
    }

    /** The selected line's event whole, as indented JSON; empty when none is selected. */
    public ReadOnlyStringProperty detailsProperty() {
        return details.getReadOnlyProperty();
    }

    @Override
    public void apply(MonitorBatch batch) {
        List<LogRow> added = new ArrayList<>();
        for (MonitorFrame frame : batch.frames()) {
            if (frame instanceof MonitorUpdate update) {
                for (MonitorEvent event : update.events()) {
                    LogRow line = line(event);
                    if (line != null) {
                        added.add(line);
                    }
                }
            }
        }
        if (added.isEmpty()) {
            return;
        }
        // one change per batch: the table rebuilds once, not once per event
        lines.addAll(added.size() > limit ? added.subList(added.size() - limit, added.size()) : added);
        if (lines.size() > limit) {
            lines.remove(0, lines.size() - limit);
        }
    }

    /** The log line of an event, or null for the kinds the log does not show. */
    static LogRow line(MonitorEvent event) {
        if (event instanceof MonitorEvent.MessageIn message) {
            return new LogRow(message.at(), "in", orEmpty(message.userId()), orEmpty(message.type()),
                    message.priority() + "/" + message.label()
                            + (message.messageId() != null ? " " + message.messageId() : ""), message);
        }
        if (event instanceof MonitorEvent.RunEvent runEvent) {
            return new LogRow(runEvent.at(), "out", orEmpty(runEvent.userId()), orEmpty(runEvent.type()),
                    runEvent.runId() + " #" + runEvent.seq(), runEvent);
        }
        if (event instanceof MonitorEvent.UserEvent userEvent) {
            return new LogRow(userEvent.at(), "out", orEmpty(userEvent.userId()), orEmpty(userEvent.type()), "", userEvent);
        }
        if (event instanceof MonitorEvent.Reply reply) {
            String detail = reply.replyTo() != null ? "reply to " + reply.replyTo()
                    : "on " + orEmpty(reply.connectionId());
            return new LogRow(reply.at(), "out", orEmpty(reply.userId()), orEmpty(reply.type()), detail, reply);
        }
        if (event instanceof MonitorEvent.ConnectionOpened opened && opened.connection() != null) {
            return new LogRow(opened.at(), "", orEmpty(opened.connection().userId()), "connection_opened",
                    opened.connection().connectionId() + " from " + orEmpty(opened.connection().remoteAddress()),
                    opened);
        }
        if (event instanceof MonitorEvent.ConnectionClosed closed && closed.connection() != null) {
            return new LogRow(closed.at(), "", orEmpty(closed.connection().userId()), "connection_closed",
                    (closed.connection().connectionId() + " " + closeText(closed)).strip(), closed);
        }
        if (event instanceof MonitorEvent.Coalesced counted) {
            // a busy router lists only so much traffic per update; what it did not list still shows, counted
            String byType = counted.byType().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(entry -> entry.getKey() + " " + entry.getValue())
                    .collect(java.util.stream.Collectors.joining(", "));
            return new LogRow(counted.at(), "", "", "(not listed)", String.format(java.util.Locale.ROOT,
                    "%,d more messages and events in these 100 ms, counted by the router: %s", counted.events(),
                    byType), counted);
        }
        if (event instanceof MonitorEvent.ErrorSent error) {
            // a frame refused before it had a type (bad JSON, no type, binary) says why instead
            String detail = RoutingStats.UNPARSED_TYPE.equals(error.type())
                    ? error.code() + ": " + orEmpty(error.message()) + " (refused before routing)"
                    : error.code() + " for " + error.type();
            return new LogRow(error.at(), "out", orEmpty(error.userId()), "error", detail, error);
        }
        if (event instanceof MonitorEvent.OperatorAction action) {
            // who did what to the router, in the log every monitor sees (a refused attempt included)
            return new LogRow(action.at(), "", orEmpty(action.by()), "operator_action", orEmpty(action.action()) + " "
                    + (action.args() == null ? "{}" : action.args()) + (action.done() ? " → " : " refused: ")
                    + (action.result() == null ? "{}" : action.result()), action);
        }
        return null;
    }

    /** "1013 try again later, closed by the router: outbox full", or "" from a router that does not say. */
    static String closeText(MonitorEvent.ConnectionClosed closed) {
        if (closed.closeCode() == null) {
            return "";
        }
        int code = closed.closeCode();
        String meaning = CLOSE_MEANINGS.getOrDefault(code, code >= 4000 && code <= 4999 ? "application" : "");
        StringBuilder text = new StringBuilder().append(code);
        if (!meaning.isEmpty()) {
            text.append(' ').append(meaning);
        }
        if (closed.closedBy() != null) {
            text.append(ConnectionClose.NETWORK.equals(closed.closedBy()) ? ", the socket broke with no close frame"
                    : ", closed by the " + closed.closedBy());
        }
        if (closed.closeReason() != null && !closed.closeReason().isEmpty()) {
            text.append(": ").append(closed.closeReason());
        }
        return text.toString();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    /** Every line kept, oldest first. */
    public ObservableList<LogRow> lines() {
        return linesView;
    }

    /** What the table shows: the filtered lines, or a frozen copy of them while paused. */
    public ReadOnlyObjectProperty<ObservableList<LogRow>> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    public StringProperty userFilterProperty() {
        return userFilter;
    }

    public StringProperty typeFilterProperty() {
        return typeFilter;
    }

    /** One of {@link #DIRECTIONS}. */
    public ObjectProperty<String> directionProperty() {
        return direction;
    }

    public BooleanProperty pausedProperty() {
        return paused;
    }

    /** The pause button's text: "Pause", or "Resume" while paused. */
    public ReadOnlyStringProperty pauseTextProperty() {
        return pauseText.getReadOnlyProperty();
    }
}
