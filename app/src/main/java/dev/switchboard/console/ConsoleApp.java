package dev.switchboard.console;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.ClusterFeed;
import dev.switchboard.console.feed.MonitorToken;
import dev.switchboard.console.feed.EmbeddedCluster;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.FeedSink;
import dev.switchboard.console.feed.SessionRecorder;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.state.Replay;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.MainWindow;
import dev.switchboard.router.RouterConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * The console application: the embedded router, or a remote one, shown in the main window. Named
 * parameters: {@code --port=N} (default 8765) and {@code --http-port=N} (default 8766, -1 for
 * none) for the embedded router; {@code --remote=ws://host:port/monitor} with
 * a token from {@code --token-file=PATH} or {@code $SWITCHBOARD_TOKEN} ({@code --token=<JWT>} works but
 * shows in {@code ps}) to attach to a remote one, or to every node of
 * the cluster it belongs to; {@code --embedded-nodes=N} with {@code --redis=redis://HOST:PORT} to run N
 * router nodes of one cluster in this process and watch them;
 * {@code --open=session.jsonl} to look at a saved session offline.
 */
public final class ConsoleApp extends Application {
    private ConsoleFeed feed;
    private MainWindow window;

    @Override
    public void start(Stage stage) {
        Map<String, String> named = getParameters().getNamed();
        if (named.containsKey("open")) {
            feed = new ReplayFeed(Path.of(named.get("open")));
            show(stage, feed);
            return;
        }
        String remote = named.get("remote");
        if (remote != null) {
            String token = MonitorToken.resolve(named, System::getenv, System.err::println);
            feed = ClusterFeed.attach(URI.create(remote), token);
            show(stage, feed);
            return;
        }
        String nodes = option("embedded-nodes");
        if (nodes != null) {
            String redis = option("redis");
            if (redis == null || redis.isEmpty()) {
                throw new IllegalArgumentException("--embedded-nodes needs --redis redis://HOST:PORT (the cluster's Redis)");
            }
            feed = EmbeddedCluster.start(Integer.parseInt(nodes), redis, null, null).feed();
            show(stage, feed);
            return;
        }
        RouterConfig config = RouterConfig.builder()
                .port(Integer.parseInt(named.getOrDefault("port", Integer.toString(RouterConfig.DEFAULT_PORT))))
                .httpPort(Integer.parseInt(named.getOrDefault("http-port", Integer.toString(RouterConfig.DEFAULT_HTTP_PORT))))
                .build();
        feed = EmbeddedFeed.start(config);
        show(stage, feed);
    }

    /** A named parameter given as {@code --name=value} or as {@code --name value}, or null. */
    private String option(String name) {
        String value = getParameters().getNamed().get(name);
        List<String> raw = getParameters().getRaw();
        int at = raw.indexOf("--" + name);
        return value != null || at < 0 || at + 1 >= raw.size() ? value : raw.get(at + 1);
    }

    /** Builds the window around a feed and shows it (used by the app and by UI tests). */
    public MainWindow show(Stage stage, ConsoleFeed consoleFeed) {
        if (consoleFeed instanceof ReplayFeed session) {
            return showSession(stage, session, Long.MAX_VALUE, null);
        }
        return show(stage, consoleFeed, new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis));
    }

    /**
     * A saved session as it was at {@code untilMillis}, on the session's own clock (moved as it
     * plays), with the session-time slider; moving the slider stops this showing and builds the
     * window again at the chosen moment, on the view that was shown.
     */
    private MainWindow showSession(Stage stage, ReplayFeed session, long untilMillis, String view) {
        Replay replay = new Replay(session);
        ConsoleState state = replay.newState();
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000);
        if (session.hasTraffic()) {
            recorder.restoreTraffic(session::traffic); // saved again, the session keeps its traffic
        }
        MainWindow shown = build(stage, session, state, recorder, view != null);
        replay.play(state, recorder, Platform::runLater, untilMillis);
        if (view != null) {
            shown.select(view);
            shown.focusSessionTime();
        }
        shown.showSessionTime(session.firstMillis(), session.lastMillis(), Math.min(untilMillis, session.lastMillis()),
                at -> {
                    String selected = shown.selectedView();
                    replay.stop();
                    shown.detach();
                    showSession(stage, session, at, selected);
                });
        stage.setOnHidden(event -> {
            replay.stop();
            shown.detach();
        });
        return shown;
    }

    /** Builds the window around a feed and given view models, and shows it. */
    public MainWindow show(Stage stage, ConsoleFeed consoleFeed, ConsoleState state) {
        SessionRecorder recorder = new SessionRecorder(3_000, 50_000);
        MainWindow shown = build(stage, consoleFeed, state, recorder, false);
        consoleFeed.start(FeedSink.of(frame -> {
            recorder.accept(frame.frame());
            state.offer(frame);
        }, status -> {
            recorder.status(status);
            state.offerStatus(status);
        }, state::offerCluster));
        return shown;
    }

    /** The window around a feed and its view models, shown in {@code stage}, before any frame arrives. */
    private MainWindow build(Stage stage, ConsoleFeed consoleFeed, ConsoleState state, SessionRecorder recorder,
            boolean keepSize) {
        window = new MainWindow(state, consoleFeed, recorder, file -> {
            Stage offline = new Stage();
            new ConsoleApp().show(offline, new ReplayFeed(file));
        });
        // a session shown again at another moment keeps the size the user gave its window
        Scene scene = keepSize && stage.getScene() != null
                ? new Scene(window, stage.getScene().getWidth(), stage.getScene().getHeight())
                : new Scene(window, 1200, 760);
        window.attach(scene);
        stage.titleProperty().bind(javafx.beans.binding.Bindings.concat("Switchboard console — ", window.title()));
        stage.getIcons().setAll(java.util.stream.IntStream.of(32, 64, 256).mapToObj(size -> new javafx.scene.image.Image(
                ConsoleApp.class.getResourceAsStream("/dev/switchboard/console/icon-" + size + ".png"))).toList());
        MainWindow built = window;
        // a window closed on its own (a session opened with Ctrl+O) stops its tick and connections
        stage.setOnHidden(event -> built.detach());
        stage.setScene(scene);
        stage.show();
        return window;
    }

    @Override
    public void stop() {
        if (window != null) {
            window.detach();
        }
        if (feed != null) {
            feed.close();
        }
    }
}
