package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.router.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;

/**
 * File › Keep traffic in the session, on the embedded router: the status bar counts what is kept,
 * the traffic is saved with the session and as a recording, and the saved session, opened again,
 * can still be saved as a recording (and has nothing to keep).
 */
class SessionTrafficUiTest extends EmbeddedConsoleTest {

    @TempDir
    Path dir;

    private static MenuItem item(MenuBar bar, String id) {
        return onFx(() -> bar.getMenus().get(0).getItems().stream().filter(item -> id.equals(item.getId()))
                .findFirst().orElse(null));
    }

    @Test
    void trafficKeptLiveIsSavedWithTheSessionAndAsARecording(FxRobot robot) throws Exception {
        MenuBar bar = onFx(() -> robot.lookup("#menu-bar").queryAs(MenuBar.class));
        CheckMenuItem keep = (CheckMenuItem) item(bar, "menu-keep-traffic");
        MenuItem saveTraffic = item(bar, "menu-save-traffic");
        assertThat(onFx(keep::getText)).isEqualTo("Keep traffic in the session");
        assertThat(onFx(saveTraffic::isDisable)).as("nothing kept yet").isTrue();

        robot.interact(() -> keep.setSelected(true)); // what a click on the menu item does
        assertThat(onFx(keep::isSelected)).isTrue();
        Label status = onFx(() -> robot.lookup("#status-traffic").queryAs(Label.class));
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> onFx(status::getText).startsWith("keeping traffic: "));
            for (int i = 0; i < 5; i++) {
                alice.send(Map.of("type", "ping", "message_id", "p-" + i));
                alice.awaitReply("p-" + i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> onFx(status::getText)
                    .matches("keeping traffic: \\d+ entries, 0 dropped") && !onFx(saveTraffic::isDisable));
        }

        Path recording = dir.resolve("live.rec.json");
        robot.interact(() -> window.traffic().save(recording));
        await().atMost(Duration.ofSeconds(10)).until(() -> onFx(status::getText).startsWith("wrote live.rec.json"));
        assertThat(onFx(status::getText)).isEqualTo("wrote live.rec.json: 5 messages");
        assertThat(onFx(() -> status.getTooltip().getText())).contains("5 messages from 1 user")
                .contains("simulate --scenario " + recording.toAbsolutePath());
        assertThat(Scenario.read(recording).replay().recording().users()).hasSize(1);

        robot.interact(() -> keep.setSelected(false)); // off: what was kept stays
        Path session = dir.resolve("session.jsonl");
        robot.interact(() -> window.saveSession(session));
        assertThat(onFx(() -> robot.lookup("#status-bar").queryAs(org.controlsfx.control.StatusBar.class).getText()))
                .contains("traffic entries");
        assertThat(new ReplayFeed(session).traffic().entries()).isNotEmpty();

        // the saved session, opened again: nothing to keep, its traffic still saved as a recording
        Stage offline = FxToolkit.registerStage(() -> new Stage());
        MainWindow reopened = onFx(() -> new ConsoleApp().show(offline, new ReplayFeed(session)));
        try {
            MenuBar offlineBar = (MenuBar) onFx(() -> reopened.lookup("#menu-bar"));
            assertThat(item(offlineBar, "menu-keep-traffic")).isNull();
            assertThat(onFx(() -> item(offlineBar, "menu-save-traffic").isDisable())).isFalse();
            // the session's traffic is counted off the FX thread; a tick then says what it holds
            await().atMost(Duration.ofSeconds(10)).until(() -> !onFx(() -> reopened.traffic().statusProperty().get())
                    .isEmpty());
            assertThat(onFx(() -> reopened.traffic().statusProperty().get())).matches("traffic kept: \\d+ entries"
                    + " \\(Ctrl\\+E saves them as a recording\\)");
            Path again = dir.resolve("again.rec.json");
            robot.interact(() -> reopened.traffic().save(again));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(again)
                    && onFx(() -> reopened.traffic().statusProperty().get()).startsWith("wrote again.rec.json"));
            assertThat(Scenario.read(again).replay().recording().messages()).isEqualTo(5);
        } finally {
            robot.interact(() -> {
                reopened.detach();
                offline.close();
            });
        }
    }
}
