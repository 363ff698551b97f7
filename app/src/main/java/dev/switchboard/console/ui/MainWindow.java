package dev.switchboard.console.ui;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.connections.ConnectionsView;
import dev.switchboard.console.ui.errors.ErrorsView;
import dev.switchboard.console.ui.log.LogView;
import dev.switchboard.console.ui.overview.OverviewView;
import dev.switchboard.console.ui.protection.ProtectionView;
import dev.switchboard.console.ui.runs.RunsView;
import dev.switchboard.console.ui.types.TypesView;
import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
import java.util.List;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;

/**
 * The console window: one tab per view (Ctrl+1 … Ctrl+7), a status bar with the source, the feed's
 * state and its update rate, and the one fixed-rate tick (10 Hz) that applies the feed to the
 * state. Ctrl+T toggles the dark and light themes.
 */
public final class MainWindow extends BorderPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final ConsoleState state;
    private final ConsoleFeed feed;
    private final TabPane tabs = new TabPane();
    private final StatusBar statusBar = new StatusBar();
    private final Label feedState = new Label();
    private final Timeline tick;
    private final Timeline refresh;
    private boolean dark = true;

    public MainWindow(ConsoleState state, ConsoleFeed feed) {
        this.state = state;
        this.feed = feed;
        this.tick = new Timeline(new KeyFrame(Duration.millis(100), event -> state.applyPending()));
        // per-connection figures (activity, messages in/out) come with snapshots: ask for one every 2 s
        this.refresh = new Timeline(new KeyFrame(Duration.seconds(2), event ->
                feed.command(JsonNodeFactory.instance.objectNode().put("type", "snapshot")).thenAccept(state::offer)));
        createView();
        initListeners();
    }

    private void createView() {
        setId("main-window");
        tabs.setId("views");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tab("Overview", "tab-overview", new OverviewView(state));
        tab("Connections", "tab-connections", new ConnectionsView(state, feed));
        tab("Message types", "tab-types", new TypesView(state));
        tab("Agent runs", "tab-runs", new RunsView(state));
        tab("Handler errors", "tab-errors", new ErrorsView(state));
        tab("Live log", "tab-log", new LogView(state));
        tab("Protection", "tab-protection", new ProtectionView(state));
        statusBar.setId("status-bar");
        statusBar.setText(feed.source());
        feedState.setId("status-feed");
        statusBar.getRightItems().add(feedState);
        setCenter(tabs);
        setBottom(statusBar);
        getStyleClass().add("dark");
    }

    private void tab(String title, String id, Node content) {
        Tab tab = new Tab(title, content);
        tab.setId(id);
        tabs.getTabs().add(tab);
    }

    private void initListeners() {
        state.statusProperty().addListener((observable, before, status) -> showStatus());
        state.updatesPerSecondProperty().addListener((observable, before, rate) -> showStatus());
    }

    private void showStatus() {
        FeedStatus status = state.statusProperty().get();
        String text = status == null ? "starting" : switch (status.state()) {
            case CONNECTED -> "connected";
            case RECONNECTING -> "reconnecting since " + TIME.format(status.since());
            case LOST -> "lost since " + TIME.format(status.since());
        };
        feedState.setText(text + " · " + state.updatesPerSecondProperty().get() + " updates/s");
        if (status != null && status.detail() != null) {
            statusBar.setText(feed.source() + " — " + status.detail());
        }
    }

    /** Installs the shortcuts and the stylesheet, and starts the tick. */
    public void attach(Scene scene) {
        scene.getStylesheets().add(MainWindow.class.getResource("/dev/switchboard/console/console.css").toExternalForm());
        List<Tab> all = tabs.getTabs();
        for (int i = 0; i < all.size(); i++) {
            Tab tab = all.get(i);
            scene.getAccelerators().put(new KeyCodeCombination(KeyCode.getKeyCode(Integer.toString(i + 1)),
                    KeyCombination.SHORTCUT_DOWN), () -> tabs.getSelectionModel().select(tab));
        }
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.T, KeyCombination.SHORTCUT_DOWN), this::toggleTheme);
        tick.setCycleCount(Timeline.INDEFINITE);
        tick.play();
        refresh.setCycleCount(Timeline.INDEFINITE);
        refresh.play();
    }

    private void toggleTheme() {
        dark = !dark;
        getStyleClass().removeAll("dark", "light");
        getStyleClass().add(dark ? "dark" : "light");
    }

    /** Stops the tick and the refresh. */
    public void detach() {
        tick.stop();
        refresh.stop();
    }
}
