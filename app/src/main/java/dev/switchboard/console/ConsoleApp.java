package dev.switchboard.console;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.ui.MainWindow;
import dev.switchboard.router.RouterConfig;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The console application: the embedded router by default, shown in the main window. */
public final class ConsoleApp extends Application {
    private ConsoleFeed feed;
    private MainWindow window;

    @Override
    public void start(Stage stage) {
        RouterConfig config = RouterConfig.builder().port(Integer.getInteger("switchboard.port", RouterConfig.DEFAULT_PORT))
                .httpPort(Integer.getInteger("switchboard.httpPort", RouterConfig.DEFAULT_HTTP_PORT)).build();
        feed = EmbeddedFeed.start(config);
        show(stage, feed);
    }

    /** Builds the window around a feed and shows it (used by the app and by UI tests). */
    public MainWindow show(Stage stage, ConsoleFeed consoleFeed) {
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        window = new MainWindow(state, consoleFeed);
        Scene scene = new Scene(window, 1200, 760);
        window.attach(scene);
        consoleFeed.start(state::offer, state::offerStatus);
        stage.setTitle("Switchboard console — " + consoleFeed.source());
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
