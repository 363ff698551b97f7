package dev.switchboard.console.ui;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.router.support.TestRouters;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The console's window on an embedded test router (loopback, free port, dev auth), for UI tests.
 * (TestFX looks for {@code @Start} only on the test class itself, so the window is opened here in
 * a {@code @BeforeEach}, which subclasses inherit.)
 */
@ExtendWith(ApplicationExtension.class)
abstract class EmbeddedConsoleTest {
    protected EmbeddedFeed feed;
    protected MainWindow window;

    @BeforeEach
    void openConsole() throws Exception {
        feed = EmbeddedFeed.start(routerConfig().build());
        FxToolkit.setupStage(stage -> window = new ConsoleApp().show(stage, feed));
    }

    /** The embedded router's configuration: a test router's, without HTTP endpoints. */
    protected dev.switchboard.router.RouterConfig.Builder routerConfig() {
        return TestRouters.config().httpPort(-1);
    }

    @AfterEach
    void closeConsole() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.detach()).get(5, TimeUnit.SECONDS);
        feed.close();
    }
}
