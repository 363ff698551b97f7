package dev.switchboard.console.ui.inject;

import dev.switchboard.console.inject.ConnectionState;
import dev.switchboard.console.inject.DraftCheck;
import dev.switchboard.console.inject.Injector;
import dev.switchboard.console.inject.MessageTemplate;
import dev.switchboard.console.inject.ReceivedFrame;
import dev.switchboard.console.inject.SentMessage;
import dev.switchboard.console.inject.TemplateLibrary;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.ui.common.NaturalOrder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The inject panel's state: the chosen user, the draft and its check, the chosen user's
 * connection, what the injected connections received (newest first) and what was sent. The
 * {@link Injector} does the networking; {@link #tick()}, called by the window's 10 Hz tick on the
 * FX thread, drains what it buffered into the lists with one change each. No scene graph.
 */
public final class InjectViewModel {
    /** Received frames the panel keeps. */
    static final int RECEIVED_LIMIT = 2_000;
    /** Sent messages the history keeps. */
    static final int HISTORY_LIMIT = 200;
    private static final int DRAIN_PER_TICK = 1_000;
    /** Connected users the user menu offers (the first by id); any other id can be typed. */
    public static final int USERS_OFFERED = 200;

    private final Injector injector;
    private final ObservableList<ConnectionRow> connections;
    private final String unavailable;
    private final StringProperty user = new SimpleStringProperty(this, "user", "");
    private final StringProperty draft = new SimpleStringProperty(this, "draft", "");
    private final ReadOnlyObjectWrapper<DraftCheck> check = new ReadOnlyObjectWrapper<>(DraftCheck.of(""));
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper verdict = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper sendable = new ReadOnlyBooleanWrapper(false);
    /** Send the editor's text as it is, even when it is not a valid message (to test what the router does with it). */
    private final javafx.beans.property.BooleanProperty raw = new javafx.beans.property.SimpleBooleanProperty(this,
            "raw", false);
    private final ReadOnlyObjectWrapper<ConnectionState> connection = new ReadOnlyObjectWrapper<>(ConnectionState.none(""));
    private final ReadOnlyObjectWrapper<TemplateLibrary> templates;
    private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper receivedSummary = new ReadOnlyStringWrapper("nothing received yet");
    private final ObservableList<String> users = FXCollections.observableArrayList();
    private final ObservableList<String> usersView = FXCollections.unmodifiableObservableList(users);
    private final ObservableList<ReceivedFrame> received = FXCollections.observableArrayList();
    private final ObservableList<ReceivedFrame> receivedView = FXCollections.unmodifiableObservableList(received);
    private final ObservableList<SentMessage> history = FXCollections.observableArrayList();
    private final ObservableList<SentMessage> historyView = FXCollections.unmodifiableObservableList(history);
    /**
     * Connections per connected user, kept in step with {@link #connections} change by change; users
     * in the order the Connections view lists them (user-2 before user-10).
     */
    private final TreeMap<String, Integer> connectionsPerUser = new TreeMap<>(NaturalOrder.INSTANCE);
    private boolean usersStale = true;
    private long receivedTotal;

    /**
     * @param injector    sends and receives as users
     * @param templates   the templates to offer
     * @param connections the router's connections now (the users to offer)
     * @param unavailable why this console cannot inject at all, or null
     */
    public InjectViewModel(Injector injector, TemplateLibrary templates, ObservableList<ConnectionRow> connections,
                           String unavailable) {
        this.injector = Objects.requireNonNull(injector, "injector must not be null");
        this.templates = new ReadOnlyObjectWrapper<>(Objects.requireNonNull(templates, "templates must not be null"));
        this.connections = Objects.requireNonNull(connections, "connections must not be null");
        this.unavailable = unavailable;
        note.set(unavailable != null ? "Injection is unavailable: " + unavailable + "." : templates.source());
        connections.forEach(row -> connectionsPerUser.merge(row.userId(), 1, Integer::sum));
        connections.addListener((ListChangeListener<ConnectionRow>) this::connectionsChanged);
        draft.addListener((observable, before, text) -> {
            check.set(DraftCheck.of(text));
            recheck();
        });
        raw.addListener((observable, before, now) -> recheck());
        user.addListener((observable, before, id) -> {
            recheck();
            connection.set(injector.state(chosenUser()));
        });
        // start from a ping: the smallest message that shows the connection works
        templates.named("ping").ifPresent(this::use);
        recheck();
    }

    private void recheck() {
        String id = chosenUser();
        boolean asItIs = raw.get() && draft.get() != null && !draft.get().isEmpty();
        String why = unavailable != null ? "injection is unavailable: " + unavailable
                : !asItIs && !check.get().sendable() ? check.get().problem()
                : id.isEmpty() ? "choose a connected user or type a new user id"
                : !Injector.isValidUserId(id) ? "a user id is 1 to 64 characters of A-Z a-z 0-9 . _ @ -"
                : "";
        problem.set(why);
        String what = check.get().sendable() ? check.get().type()
                : "the text as it is (" + check.get().problem() + ": the router will answer with an error)";
        verdict.set(why.isEmpty() ? "✓ " + what + " as " + id : "✗ " + why);
        sendable.set(why.isEmpty());
    }

    /** The user box's text, trimmed. */
    private String chosenUser() {
        return user.get() == null ? "" : user.get().trim();
    }

    /** Applies what the injector buffered since the last call. Call on the FX thread. */
    public void tick() {
        List<ReceivedFrame> frames = new ArrayList<>();
        injector.drainReceived(frames, DRAIN_PER_TICK);
        if (!frames.isEmpty()) {
            receivedTotal += frames.size();
            Collections.reverse(frames);
            received.addAll(0, frames.size() > RECEIVED_LIMIT ? frames.subList(0, RECEIVED_LIMIT) : frames);
            if (received.size() > RECEIVED_LIMIT) {
                received.remove(RECEIVED_LIMIT, received.size());
            }
            long dropped = injector.droppedFrames();
            receivedSummary.set(receivedTotal + " frames received" + (dropped > 0 ? ", " + dropped + " dropped" : ""));
        }
        List<SentMessage> outcomes = new ArrayList<>();
        injector.drainSent(outcomes, DRAIN_PER_TICK);
        if (!outcomes.isEmpty()) {
            Collections.reverse(outcomes);
            history.addAll(0, outcomes.size() > HISTORY_LIMIT ? outcomes.subList(0, HISTORY_LIMIT) : outcomes);
            if (history.size() > HISTORY_LIMIT) {
                history.remove(HISTORY_LIMIT, history.size());
            }
        }
        ConnectionState now = injector.state(chosenUser());
        if (!now.equals(connection.get())) {
            connection.set(now);
        }
        if (usersStale) {
            usersStale = false;
            // the first users by id, at most USERS_OFFERED: a menu of 10,000 users helps nobody, and
            // keeping it bounded keeps this tick cheap at any size
            List<String> ids = new ArrayList<>(Math.min(USERS_OFFERED, connectionsPerUser.size()));
            for (String id : connectionsPerUser.keySet()) {
                if (ids.size() == USERS_OFFERED) {
                    break;
                }
                ids.add(id);
            }
            if (!users.equals(ids)) {
                users.setAll(ids);
            }
        }
    }

    /** Counts the users' connections in and out: a cost per connection that changed, not per connection held. */
    private void connectionsChanged(ListChangeListener.Change<? extends ConnectionRow> change) {
        while (change.next()) {
            if (change.wasPermutated() || change.wasUpdated()) {
                continue;
            }
            for (ConnectionRow row : change.getRemoved()) {
                connectionsPerUser.computeIfPresent(row.userId(), (id, count) -> count > 1 ? count - 1 : null);
            }
            for (ConnectionRow row : change.getAddedSubList()) {
                connectionsPerUser.merge(row.userId(), 1, Integer::sum);
            }
        }
        usersStale = true;
    }

    /** Sends the draft as the chosen user (when it is sendable). */
    public void send() {
        if (sendable.get()) {
            injector.send(chosenUser(), draft.get().trim());
            // the next send must not repeat the id: m-7 becomes m-8
            draft.set(DraftCheck.nextMessageId(draft.get()));
        }
    }

    /** Sends a message from the history again, as the user it was sent as. */
    public void resend(SentMessage message) {
        if (unavailable == null) {
            injector.send(message.userId(), message.text());
        }
    }

    /** Puts a message from the history back into the editor, with its user. */
    public void edit(SentMessage message) {
        user.set(message.userId());
        draft.set(message.text());
    }

    /** Puts a template into the editor. */
    public void use(MessageTemplate template) {
        draft.set(template.text());
    }

    /** Pretty-prints the draft when it is valid JSON. */
    public void format() {
        draft.set(DraftCheck.format(draft.get()));
    }

    /** Closes the chosen user's injected connection. */
    public void closeConnection() {
        injector.close(chosenUser());
    }

    /** The name a new template gets unless the operator chooses another: the draft's type. */
    public String suggestedTemplateName() {
        String type = check.get().type();
        return type == null ? "" : type.replace(" (JSON-RPC)", "").replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** Saves the draft as {@code name}.json in the templates folder; the outcome goes to {@link #noteProperty()}. */
    public void saveTemplate(String name) {
        try {
            TemplateLibrary saved = templates.get().save(name, draft.get());
            templates.set(saved);
            note.set("saved " + saved.directory().resolve(name + ".json"));
        } catch (IOException | IllegalArgumentException e) {
            note.set("could not save the template: " + e.getMessage());
        }
    }

    /** The user to send as: a connected one or a new id. */
    public StringProperty userProperty() {
        return user;
    }

    /** The message being edited. */
    public StringProperty draftProperty() {
        return draft;
    }

    public ReadOnlyObjectProperty<DraftCheck> checkProperty() {
        return check.getReadOnlyProperty();
    }

    /** Why Send is disabled (invalid JSON, no type, no user), or empty when it is not. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** The line under the editor: "✓ ping as alice", or "✗ " and what is wrong. */
    public ReadOnlyStringProperty verdictProperty() {
        return verdict.getReadOnlyProperty();
    }

    /** Whether Send sends the editor's text as it is, valid message or not. */
    public javafx.beans.property.BooleanProperty rawProperty() {
        return raw;
    }

    public ReadOnlyBooleanProperty sendableProperty() {
        return sendable.getReadOnlyProperty();
    }

    /** The chosen user's injected connection. */
    public ReadOnlyObjectProperty<ConnectionState> connectionProperty() {
        return connection.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TemplateLibrary> templatesProperty() {
        return templates.getReadOnlyProperty();
    }

    /** Where the templates come from, the last save, or why injection is unavailable. */
    public ReadOnlyStringProperty noteProperty() {
        return note.getReadOnlyProperty();
    }

    /** How many frames were received and dropped. */
    public ReadOnlyStringProperty receivedSummaryProperty() {
        return receivedSummary.getReadOnlyProperty();
    }

    /** The users connected to the router now, sorted. */
    public ObservableList<String> users() {
        return usersView;
    }

    /** Every frame the injected connections received, newest first, bounded. */
    public ObservableList<ReceivedFrame> received() {
        return receivedView;
    }

    /** Sent messages, newest first, bounded. */
    public ObservableList<SentMessage> history() {
        return historyView;
    }
}
