package dev.switchboard.console.ui;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.feed.SessionRecorder;
import dev.switchboard.console.simulate.TrafficKeeper;
import dev.switchboard.console.ui.session.TrafficViewModel;
import dev.switchboard.console.inject.Injector;
import dev.switchboard.console.inject.TemplateLibrary;
import dev.switchboard.console.simulate.ScenarioCatalog;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.audit.AuditView;
import dev.switchboard.console.ui.connections.ConnectionsView;
import dev.switchboard.console.ui.errors.ErrorsView;
import dev.switchboard.console.ui.inject.InjectView;
import dev.switchboard.console.ui.inject.InjectViewModel;
import dev.switchboard.console.ui.log.LogView;
import dev.switchboard.console.ui.overview.OverviewView;
import dev.switchboard.console.ui.protection.ProtectionView;
import dev.switchboard.console.ui.runs.RunsView;
import dev.switchboard.console.ui.simulate.SimulateView;
import dev.switchboard.console.ui.simulate.SimulateViewModel;
import dev.switchboard.console.ui.types.TypesView;
import dev.switchboard.console.ui.why.WhyPane;
import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.animation.KeyFrame;
import javafx.application.Platform;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringExpression;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextInputDialog;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.FileChooser;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;

/**
 * The console window: one tab per view (Ctrl+1 … Ctrl+9), a status bar with the source, the feed's
 * state and its update rate, and the one fixed-rate tick (10 Hz) that applies the feed to the
 * state, what the inject panel's connections received and the simulate panel's progress. Ctrl+T
 * toggles the dark and light themes; Ctrl+S saves the session as JSON lines, Ctrl+O opens a saved
 * one in a new window. File › Keep traffic in the session keeps the routers' traffic with the
 * session, and Ctrl+E saves the traffic kept (live, or in a saved session) as a replayable recording.
 */
public final class MainWindow extends BorderPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** Every view's tab, in the order of their shortcuts (Ctrl+1 … Ctrl+0). */
    private static final List<String> VIEW_ORDER = List.of("tab-overview", "tab-connections", "tab-types", "tab-runs",
            "tab-errors", "tab-log", "tab-protection", "tab-inject", "tab-simulate", "tab-audit");

    private final ConsoleState state;
    private final ConsoleViewModels models;
    private final ConsoleFeed feed;
    private final SessionRecorder recorder;
    private final Injector injector;
    private final InjectViewModel inject;
    private final SimulateViewModel simulate;
    private final TrafficViewModel traffic;
    private final java.util.concurrent.ExecutorService trafficThread = java.util.concurrent.Executors
            .newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "console-traffic");
                thread.setDaemon(true);
                return thread;
            });
    private final Consumer<Path> openRecording;
    private final TabPane tabs = new TabPane();
    private final StatusBar statusBar = new StatusBar();
    private final Label feedState = new Label();
    private final Label trafficState = new Label();
    private final Label outage = new Label();
    private OverviewView overview;
    private boolean askingForToken;
    private FeedStatus statusShown;
    private final Timeline tick;
    private final Timeline refresh;
    private ConnectionsView connectionsView;
    private boolean dark = true;

    /**
     * @param state         the feed's seam to the FX thread (its tick feeds the view models)
     * @param feed          where they come from
     * @param recorder      what Ctrl+S saves
     * @param openRecording what Ctrl+O does with the chosen file
     */
    public MainWindow(ConsoleState state, ConsoleFeed feed, SessionRecorder recorder, Consumer<Path> openRecording) {
        this.state = state;
        this.feed = feed;
        this.recorder = recorder;
        this.openRecording = openRecording;
        this.models = ConsoleViewModels.attach(state, feed, Platform::runLater);
        this.injector = new Injector(feed, Clock.systemUTC());
        this.inject = new InjectViewModel(injector, TemplateLibrary.load(Path.of("")), models.connections().connections(),
                feed.injectionUnavailable());
        this.simulate = new SimulateViewModel(feed, ScenarioCatalog.find(Path.of("")), System::nanoTime, System::getenv);
        if (feed instanceof ReplayFeed session) {
            this.traffic = new TrafficViewModel(null, session::traffic, session.hasTraffic(), trafficThread,
                    System::nanoTime);
        } else {
            this.traffic = new TrafficViewModel(feed.live() ? new TrafficKeeper(feed::recordingSource, recorder,
                    trafficThread, Clock.systemUTC()) : null, recorder::trafficNow, false, trafficThread,
                    System::nanoTime);
        }
        this.tick = new Timeline(new KeyFrame(Duration.millis(100), event -> {
            state.applyPending();
            showOutage();
            inject.tick();
            simulate.tick();
            traffic.tick();
        }));
        // per-connection figures (activity, messages in/out) change without an event: while the
        // Connections view shows, ask every 2 s for a page of what it shows (never the whole snapshot:
        // at 10,000 connections that would cost the router and the console more than everything else)
        this.refresh = new Timeline(new KeyFrame(Duration.seconds(2), event -> {
            Tab selected = tabs.getSelectionModel().getSelectedItem();
            if (selected != null && "tab-connections".equals(selected.getId())) {
                models.connections().refresh();
            }
        }));
        tabs.getSelectionModel().selectedItemProperty().addListener((observable, was, now) -> {
            if (now != null && "tab-connections".equals(now.getId()) && feed.live()) {
                models.connections().refresh(); // fresh figures as it opens, not 2 s later
            }
        });
        createView();
        initListeners();
    }

    private void createView() {
        setId("main-window");
        tabs.setId("views");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        overview = new OverviewView(models.overview(), this::select);
        tab("Overview", "tab-overview", overview);
        connectionsView = new ConnectionsView(models.connections(), this::injectAs, models.role().operatorBinding());
        tab("Connections", "tab-connections", connectionsView);
        tab("Message types", "tab-types", new TypesView(models.types()));
        tab("Agent runs", "tab-runs", new RunsView(models.runs(), models.why()));
        tab("Errors sent", "tab-errors", new ErrorsView(models.errors(), models.why()));
        tab("Live log", "tab-log", new LogView(models.log(), feed.live()));
        tab("Protection", "tab-protection", new ProtectionView(models.protection(),
                models.role().operatorBinding()));
        if (feed.live()) {
            // a saved session has no router to send to: no panel that would only say so
            tab("Inject", "tab-inject", new InjectView(inject, models.role().operatorBinding()));
            tab("Simulate", "tab-simulate", new SimulateView(simulate));
        }
        tab("Audit", "tab-audit", new AuditView(models.audit()));
        statusBar.setId("status-bar");
        statusBar.setText(feed.source());
        feedState.setId("status-feed");
        trafficState.setId("status-traffic");
        trafficState.textProperty().bind(traffic.statusProperty());
        traffic.savedToProperty().addListener((observable, was, text) -> trafficState.setTooltip(text.isEmpty()
                ? null : new javafx.scene.control.Tooltip(text)));
        trafficState.setPadding(new javafx.geometry.Insets(0, 12, 0, 0));
        // what changes on the right stays whole; the source on the left gives way
        trafficState.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        feedState.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        statusBar.getRightItems().addAll(trafficState, feedState);
        outage.setId("outage-banner");
        outage.getStyleClass().add("outage-banner");
        outage.setMaxWidth(Double.MAX_VALUE);
        outage.setVisible(false);
        outage.setManaged(false);
        setTop(new javafx.scene.layout.VBox(menuBar(), outage));
        setCenter(tabs);
        // under every view: the Why pane, shown when a Why button asks
        setBottom(new javafx.scene.layout.VBox(new WhyPane(models.why()), statusBar));
        getStyleClass().add("dark");
    }

    private void tab(String title, String id, Node content) {
        Tab tab = new Tab(title, tabs.getTabs().isEmpty() ? content : null);
        tab.setId(id);
        // only the selected tab's view is in the scene: hidden views keep their models current but
        // cost no CSS or layout (the load check showed the FX thread busy styling hidden tables)
        tab.selectedProperty().addListener((observable, was, selected) -> tab.setContent(selected ? content : null));
        tabs.getTabs().add(tab);
    }

    /**
     * For a saved session: a slider over its time, under the menu bar; {@code seek} is called with the
     * moment chosen (the console then shows the session as it was then).
     */
    public void showSessionTime(long fromMillis, long toMillis, long atMillis, java.util.function.LongConsumer seek) {
        ((javafx.scene.layout.VBox) getTop()).getChildren().add(new SessionTimeBar(fromMillis, toMillis, atMillis, seek));
    }

    /** Gives the session-time slider the keyboard (after a move, so that the next arrow key moves it again). */
    public void focusSessionTime() {
        Node slider = lookup("#session-slider");
        if (slider != null) {
            Platform.runLater(slider::requestFocus);
        }
    }

    /** The id of the view shown. */
    public String selectedView() {
        Tab selected = tabs.getSelectionModel().getSelectedItem();
        return selected == null ? null : selected.getId();
    }

    /** Shows the view whose tab has {@code tabId}. */
    public void select(String tabId) {
        tabs.getTabs().stream().filter(tab -> tabId.equals(tab.getId())).findFirst()
                .ifPresent(tab -> tabs.getSelectionModel().select(tab));
    }

    /** The view models the feed drives (for tests). */
    public ConsoleViewModels models() {
        return models;
    }

    /** Opens the inject panel as {@code userId}. */
    private void injectAs(String userId) {
        inject.userProperty().set(userId);
        select("tab-inject");
    }

    private void initListeners() {
        state.statusProperty().addListener((observable, before, status) -> showStatus());
        state.updatesPerSecondProperty().addListener((observable, before, rate) -> showStatus());
        models.role().roleProperty().addListener((observable, before, role) -> showStatus());
    }

    /** {@code <source> · <role>} once the role is known: what the window's title says. */
    public StringExpression title() {
        return Bindings.createStringBinding(() -> feed.source() + (models.role().roleProperty().get().isEmpty() ? ""
                : " · " + models.role().roleProperty().get()), models.role().roleProperty());
    }

    /**
     * While the feed is lost: a banner across the window (since when, when the next attempt comes,
     * what went wrong in words) and the overview's figures marked stale. Redrawn at the tick, for the
     * countdown; one label, so it costs nothing.
     */
    private void showOutage() {
        FeedStatus status = state.statusProperty().get();
        boolean lost = status != null && status.state() != FeedStatus.State.CONNECTED
                && status.state() != FeedStatus.State.OFFLINE;
        if (lost && status.state() == FeedStatus.State.REFUSED) {
            outage.setText((status.detail() == null ? "The router refused the token" : status.detail()) + " at "
                    + TIME.format(status.since()) + " · no feed until a token it accepts is given"
                    + " · the figures shown are from before");
        } else if (lost) {
            Instant now = Instant.now();
            long seconds = java.time.Duration.between(status.since(), now).toSeconds();
            String retry = status.retryAt() == null ? "retrying"
                    : "retrying in " + Math.max(0, java.time.Duration.between(now, status.retryAt()).toSeconds() + 1)
                            + " s";
            outage.setText("No feed from the router since " + TIME.format(status.since()) + " (" + seconds + " s) · "
                    + retry + (status.detail() == null ? "" : " · " + status.detail())
                    + " · the figures shown are from before");
        }
        if (outage.isVisible() != lost) {
            outage.setVisible(lost);
            outage.setManaged(lost);
            overview.setStale(lost);
        }
    }

    /**
     * The router refused the token (expired, another secret, not a monitor role): asks for another
     * one instead of leaving the views on their last figures. Cancel leaves the console offline.
     */
    private void askForToken(String why) {
        TextInputDialog dialog = new TextInputDialog();
        dialog.setTitle("Token refused");
        dialog.setHeaderText((why == null ? "The router refused the token" : why)
                + ". Paste a token with role viewer or operator:");
        dialog.getEditor().setId("token-dialog-field");
        dialog.getDialogPane().setId("token-dialog");
        Optional<String> token = dialog.showAndWait().map(String::trim).filter(text -> !text.isEmpty());
        askingForToken = false;
        token.ifPresent(feed::useToken);
    }

    private void showStatus() {
        FeedStatus status = state.statusProperty().get();
        String text = status == null ? "starting" : switch (status.state()) {
            case CONNECTED -> "connected";
            case RECONNECTING -> "reconnecting since " + TIME.format(status.since());
            case LOST -> "lost since " + TIME.format(status.since());
            case REFUSED -> "token refused at " + TIME.format(status.since());
            case OFFLINE -> "offline";
        };
        if (status != null && status.state() == FeedStatus.State.REFUSED && !askingForToken && feed.live()) {
            askingForToken = true;
            // not inside the tick's pulse: a modal dialog may not wait there
            Platform.runLater(() -> askForToken(status.detail()));
        }
        String role = models.role().roleProperty().get();
        boolean offline = status != null && status.state() == FeedStatus.State.OFFLINE;
        feedState.setText(text + (offline ? "" : " · " + state.updatesPerSecondProperty().get() + " updates/s")
                + (role.isEmpty() ? "" : " · " + role));
        // only when the status changes: the rate's second-by-second redraw must not wipe a message
        // such as a save's confirmation
        if (status != null && status != statusShown && status.detail() != null) {
            statusBar.setText(feed.source() + " — " + status.detail());
        }
        statusShown = status;
    }

    /**
     * File, View and Help: every shortcut is a menu item's accelerator, so the menus list them
     * (JavaFX installs a menu item's accelerator in the scene).
     */
    private MenuBar menuBar() {
        MenuItem openItem = item("Open session…", KeyCode.O, this::open);
        MenuItem saveItem = item("Save session…", KeyCode.S, this::save);
        MenuItem quit = item("Close window", KeyCode.W, () -> getScene().getWindow().hide());
        MenuItem saveTraffic = item("Save traffic as a recording…", KeyCode.E, this::saveTraffic);
        saveTraffic.setId("menu-save-traffic");
        saveTraffic.disableProperty().bind(traffic.saveableProperty().not().or(traffic.savingProperty()));
        Menu file = new Menu("File", null, openItem, saveItem, new SeparatorMenuItem());
        if (traffic.live()) {
            javafx.scene.control.CheckMenuItem keep = new javafx.scene.control.CheckMenuItem(
                    "Keep traffic in the session");
            keep.setId("menu-keep-traffic");
            keep.selectedProperty().bindBidirectional(traffic.keepingProperty());
            file.getItems().add(keep);
        }
        file.getItems().addAll(saveTraffic, new SeparatorMenuItem(), quit);
        Menu view = new Menu("View");
        for (Tab tab : tabs.getTabs()) {
            // Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth: each view keeps its number when a saved
            // session leaves some out
            int number = VIEW_ORDER.indexOf(tab.getId()) + 1;
            view.getItems().add(item(tab.getText(), KeyCode.getKeyCode(Integer.toString(number % 10)),
                    () -> tabs.getSelectionModel().select(tab)));
        }
        view.getItems().addAll(new SeparatorMenuItem(), item("Dark or light theme", KeyCode.T, this::toggleTheme));
        MenuItem shortcuts = new MenuItem("Keyboard shortcuts");
        shortcuts.setOnAction(event -> showShortcuts(file, view));
        MenuItem about = new MenuItem("About");
        about.setOnAction(event -> info("About Switchboard console", "Switchboard console (its version and commit:"
                + " switchboard-console --version)\nSource: " + feed.source()
                + "\nDocumentation: src/docs/console.md (what each view shows), src/docs/protocol.md (the wire"
                + " protocol and the monitor's commands)"));
        MenuBar bar = new MenuBar(file, view, new Menu("Help", null, shortcuts, about));
        bar.setId("menu-bar");
        return bar;
    }

    private static MenuItem item(String text, KeyCode key, Runnable action) {
        MenuItem item = new MenuItem(text);
        item.setAccelerator(new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN));
        item.setOnAction(event -> action.run());
        return item;
    }

    /** Every shortcut the menus hold, in a dialog. */
    private void showShortcuts(Menu... menus) {
        StringBuilder text = new StringBuilder();
        for (Menu menu : menus) {
            for (MenuItem item : menu.getItems()) {
                if (item.getAccelerator() != null) {
                    text.append(String.format("%-12s %s%n", item.getAccelerator().getDisplayText(), item.getText()));
                }
            }
        }
        info("Keyboard shortcuts", text.toString().stripTrailing());
    }

    private void info(String title, String text) {
        javafx.scene.control.Alert alert = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION,
                text);
        alert.setTitle(title);
        alert.setHeaderText(title);
        alert.getDialogPane().setId("help-dialog");
        alert.initOwner(getScene() == null ? null : getScene().getWindow());
        alert.show();
    }

    /**
     * Installs the stylesheet, starts the tick and rehearses the Connections view; called before the
     * window shows (the shortcuts come with the menu bar).
     */
    public void attach(Scene scene) {
        scene.getStylesheets().add(MainWindow.class.getResource("/dev/switchboard/console/console.css").toExternalForm());
        tick.setCycleCount(Timeline.INDEFINITE);
        tick.play();
        if (feed.live()) {
            refresh.setCycleCount(Timeline.INDEFINITE);
            refresh.play();
        }
        warmUpConnections();
    }

    /**
     * Lays the Connections view out, hidden, in its own tab before the window shows, on a screenful
     * of made-up users, some expanded and some collapsed: its table's skin, cells and styles are made
     * then, not as a freeze of the shown window when the first users connect, nor at its first
     * opening at 10,000 connections. It is done in this scene, in the tab's own place, because JavaFX
     * keeps the styles it works out per scene and per path of parents: warmed in a scene of its own
     * (as it once was), the first opening at 10,000 connections still worked out every row's styles
     * again (0.3–0.7 s against 0.1 s for every later opening). The tab pane keeps an unselected tab's
     * content hidden, and the view is taken out again at once: nothing of it is drawn.
     */
    private void warmUpConnections() {
        if (connectionsView.getParent() != null) {
            return; // already showing (its tab selected)
        }
        Tab tab = tabs.getTabs().stream().filter(candidate -> candidate.getId().equals("tab-connections"))
                .findFirst().orElseThrow();
        tab.setContent(connectionsView);
        connectionsView.rehearse(() -> {
            applyCss(); // the whole window: before it shows, nothing in it has been laid out yet
            layout();
        });
        tab.setContent(null);
    }

    private FileChooser chooser(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Switchboard sessions (*.jsonl)", "*.jsonl"));
        return chooser;
    }

    /** Saves the snapshot and the recent updates as JSON lines (Ctrl+S). */
    private void save() {
        FileChooser chooser = chooser("Save the session");
        chooser.setInitialFileName("switchboard-session-" + DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss")
                .withZone(ZoneId.systemDefault()).format(Instant.now()) + ".jsonl");
        java.io.File file = chooser.showSaveDialog(getScene().getWindow());
        if (file != null) {
            saveSession(file.toPath());
        }
    }

    /** Saves the session to {@code file} and says so in the status bar (what Ctrl+S does once a file is chosen). */
    public void saveSession(Path file) {
        try {
            int lines = recorder.save(file);
            int markers = recorder.markers();
            int kept = recorder.trafficEntries();
            statusBar.setText("saved " + lines + " lines" + (kept == 0 ? ""
                    : String.format(java.util.Locale.ROOT, " (%,d traffic entries)", kept)) + " to " + file
                    + (markers == 0 ? "" : " (with " + markers + (markers == 1 ? " change" : " changes")
                    + " of the feed's state)"));
        } catch (java.io.IOException e) {
            statusBar.setText("could not save " + file + ": " + e.getMessage());
        }
    }

    /** The File menu's traffic: keeping it, saving it as a recording. */
    public TrafficViewModel traffic() {
        return traffic;
    }

    /** Saves the traffic kept as a recording, a scenario file that simulate --scenario replays (Ctrl+E). */
    private void saveTraffic() {
        if (!traffic.saveableProperty().get() || traffic.savingProperty().get()) {
            return; // the shortcut works while the menu item is disabled
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the traffic as a recording (user ids mapped to rec-N)");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Recordings (*.rec.json)", "*.rec.json"));
        chooser.setInitialFileName("traffic-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneId.systemDefault()).format(Instant.now()) + ".rec.json");
        java.io.File file = chooser.showSaveDialog(getScene().getWindow());
        if (file != null) {
            traffic.save(file.toPath());
        }
    }

    /** Opens a saved session in a new window (Ctrl+O). */
    private void open() {
        java.io.File file = chooser("Open a saved session").showOpenDialog(getScene().getWindow());
        if (file != null) {
            openRecording.accept(file.toPath());
        }
    }

    private void toggleTheme() {
        dark = !dark;
        getStyleClass().removeAll("dark", "light");
        getStyleClass().add(dark ? "dark" : "light");
    }

    /** Stops the tick and the refresh, closes the inject panel's connections and stops any simulation. */
    public void detach() {
        tick.stop();
        refresh.stop();
        injector.close();
        simulate.close();
        traffic.close();
        trafficThread.shutdown();
    }
}
