package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.ClusterFeed;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.ui.simulate.RecordViewModel;
import dev.switchboard.router.auth.Role;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** A console watching a router with a viewer's token: Record… says why it cannot record instead of failing silently. */
class RecordRefusedUiTest extends RemoteConsoleTest {

    @Override
    protected ConsoleFeed feed(URI monitor) {
        return ClusterFeed.attach(monitor, token("oncall-vi", Role.VIEWER));
    }

    @Test
    void aViewersTokenIsToldTheRouterAnsweredForbidden(FxRobot robot) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() ->
                robot.lookup("#status-feed").queryAs(Label.class).getText().startsWith("connected")));
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        robot.clickOn("#sim-record");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> onFx(() -> robot.lookup("#record-dialog").tryQuery().isPresent()));
        robot.clickOn("#record-start");

        Label status = onFx(() -> robot.lookup("#sim-record-status").queryAs(Label.class));
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> onFx(status::getText).equals(RecordViewModel.FORBIDDEN));
        assertThat(onFx(() -> List.copyOf(status.getStyleClass()))).contains("sim-problem");
        assertThat(onFx(status::isVisible)).isTrue();
        assertThat(onFx(() -> robot.lookup("#sim-record-stop").query().isVisible())).isFalse();
        assertThat(onFx(() -> robot.lookup("#sim-record").queryAs(Button.class).isDisabled())).isFalse();
    }
}
