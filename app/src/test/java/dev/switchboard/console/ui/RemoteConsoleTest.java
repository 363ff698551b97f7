package dev.switchboard.console.ui;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.TestRouters;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The console's window attached to a separately started test router with a JWT secret, through
 * the feed a subclass chooses (and the token it mints), for UI tests. Like {@link EmbeddedConsoleTest},
 * the window opens in a {@code @BeforeEach}, which subclasses inherit.
 */
@ExtendWith(ApplicationExtension.class)
abstract class RemoteConsoleTest {
    protected static final String SECRET = "console-ui-remote-secret-32-bytes-or-more";
    protected final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    protected Router router;
    protected ConsoleFeed feed;
    protected MainWindow window;

    /** The feed through which the console watches the router's {@code monitor} endpoint. */
    protected abstract ConsoleFeed feed(URI monitor);

    /** A five-minute token of {@code role} for {@code user}. */
    protected String token(String user, Role role) {
        return tokens.mint(user, role, Duration.ofMinutes(5));
    }

    /** Starts a router on a free port with the tests' secret (again on {@code port}, when not 0). */
    protected Router startRouter(int port) {
        return TestRouters.start(config -> config.port(port).httpPort(-1).jwtSecret(SECRET));
    }

    @BeforeEach
    void openConsole() throws Exception {
        router = startRouter(0);
        feed = feed(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"));
        FxToolkit.setupStage(stage -> window = new ConsoleApp().show(stage, feed));
    }

    @AfterEach
    void closeConsole() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.detach()).get(5, TimeUnit.SECONDS);
        feed.close();
        router.stop();
    }
}
