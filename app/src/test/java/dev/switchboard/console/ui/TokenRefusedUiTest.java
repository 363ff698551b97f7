package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.ClusterFeed;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.router.auth.Role;
import java.net.URI;
import java.time.Duration;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** A token the router refuses makes the console ask for another one, and the one given connects it. */
class TokenRefusedUiTest extends RemoteConsoleTest {

    @Override
    protected ConsoleFeed feed(URI monitor) {
        // a user's token has no monitor role: the router answers 403
        return ClusterFeed.attach(monitor, token("alice", Role.USER));
    }

    @Test
    void aRefusedTokenBringsADialogAndTheTokenGivenThereConnects(FxRobot robot) {
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> onFx(() -> robot.lookup("#token-dialog").tryQuery().isPresent()));
        DialogPane dialog = onFx(() -> robot.lookup("#token-dialog").queryAs(DialogPane.class));
        assertThat(onFx(dialog::getHeaderText)).contains("refused the token (HTTP 403)");
        assertThat(onFx(() -> robot.lookup("#outage-banner").queryAs(Label.class).getText()))
                .contains("refused the token");

        String viewer = token("oncall", Role.VIEWER);
        robot.interact(() -> {
            robot.lookup("#token-dialog-field").queryAs(TextField.class).setText(viewer);
            ((Button) dialog.lookupButton(ButtonType.OK)).fire();
        });

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() ->
                robot.lookup("#status-feed").queryAs(Label.class).getText().startsWith("connected")));
        assertThat(onFx(() -> robot.lookup("#outage-banner").queryAs(Label.class).isVisible())).isFalse();
    }
}
