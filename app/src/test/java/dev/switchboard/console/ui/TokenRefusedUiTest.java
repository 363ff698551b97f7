package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.ClusterFeed;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.TestRouters;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** A token the router refuses makes the console ask for another one, and the one given connects it. */
@ExtendWith(ApplicationExtension.class)
class TokenRefusedUiTest {
    private static final String SECRET = "console-ui-refused-secret-32-bytes-or-more";
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());
    private Router router;
    private ClusterFeed feed;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        router = TestRouters.start(config -> config.httpPort(-1).jwtSecret(SECRET));
        // a user's token has no monitor role: the router answers 403
        feed = ClusterFeed.attach(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"),
                tokens.mint("alice", Role.USER, Duration.ofMinutes(5)));
        window = new ConsoleApp().show(stage, feed);
    }

    @AfterEach
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.detach()).get(5, TimeUnit.SECONDS);
        feed.close();
        router.stop();
    }

    @Test
    void aRefusedTokenBringsADialogAndTheTokenGivenThereConnects(FxRobot robot) {
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> onFx(() -> robot.lookup("#token-dialog").tryQuery().isPresent()));
        DialogPane dialog = onFx(() -> robot.lookup("#token-dialog").queryAs(DialogPane.class));
        assertThat(onFx(dialog::getHeaderText)).contains("refused the token (HTTP 403)");
        assertThat(onFx(() -> robot.lookup("#outage-banner").queryAs(Label.class).getText()))
                .contains("refused the token");

        String viewer = tokens.mint("oncall", Role.VIEWER, Duration.ofMinutes(5));
        robot.interact(() -> {
            robot.lookup("#token-dialog-field").queryAs(TextField.class).setText(viewer);
            ((Button) dialog.lookupButton(ButtonType.OK)).fire();
        });

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() ->
                robot.lookup("#status-feed").queryAs(Label.class).getText().startsWith("connected")));
        assertThat(onFx(() -> robot.lookup("#outage-banner").queryAs(Label.class).isVisible())).isFalse();
    }
}
