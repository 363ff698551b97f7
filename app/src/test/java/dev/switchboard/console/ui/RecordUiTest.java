package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.ui.simulate.RecordViewModel;
import dev.switchboard.router.support.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Record… on the simulate panel against the console's embedded router, clicked as an operator would:
 * the recording runs while a user sends, its progress shows, Stop writes the file and the panel
 * chooses it as the scenario, ready to start.
 */
class RecordUiTest extends EmbeddedConsoleTest {

    @TempDir
    Path dir;

    private static String text(FxRobot robot, String id) {
        return onFx(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    /** Record… made the row of controls wider than a 1200-pixel window: "Scenario" showed as "Scena…". */
    @Test
    void everyLabelAndButtonOfTheControlsShowsWholeInTheDefaultWindow(FxRobot robot) {
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(onFx(() -> robot.lookup("#sim-record").query().getScene().getWidth())).isEqualTo(1200);
        List<String[]> shown = onFx(() -> robot.lookup("#sim-record").query().getParent().getChildrenUnmodifiable()
                .stream().filter(Labeled.class::isInstance).map(Labeled.class::cast)
                .map(labeled -> new String[] {labeled.getText(), ((Text) labeled.lookup(".text")).getText()}).toList());
        assertThat(shown).extracting(pair -> pair[0])
                .contains("Scenario", "Open…", "Record…", "Users", "JWT secret env var", "Start", "Stop");
        assertThat(shown).allSatisfy(pair -> assertThat(pair[1]).as(pair[0]).isEqualTo(pair[0]));
    }

    @Test
    @SuppressWarnings("unchecked")
    void recordsAUsersMessagesUntilStoppedThenTheFileIsTheChosenScenario(FxRobot robot) throws Exception {
        robot.push(KeyCode.SHORTCUT, KeyCode.DIGIT9);
        assertThat(onFx(() -> robot.lookup("#sim-record-row").query().isVisible())).as("no recording yet").isFalse();
        robot.clickOn("#sim-record");
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> onFx(() -> robot.lookup("#record-dialog").tryQuery().isPresent()));
        assertThat(onFx(() -> robot.lookup("#record-duration").queryAs(TextField.class).getText())).isEqualTo("10m");
        assertThat(text(robot, "#record-masking")).isEqualTo(RecordViewModel.MASKING);
        assertThat(onFx(() -> robot.lookup("#record-file").queryAs(TextField.class).getText()))
                .matches(".*src[/\\\\]scenarios[/\\\\]recordings[/\\\\]recording-\\d{8}-\\d{6}\\.rec\\.json");
        Path file = dir.resolve("alice.rec.json");
        robot.interact(() -> robot.lookup("#record-file").queryAs(TextField.class).setText(file.toString()));
        robot.clickOn("#record-start");

        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> text(robot, "#sim-record-status").matches("recording \\d+ s of 600 s: .*"));
        assertThat(onFx(() -> robot.lookup("#sim-record-dot").query().isVisible())).isTrue();
        assertThat(onFx(() -> robot.lookup("#sim-record").queryAs(Button.class).isDisabled())).isTrue();
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            alice.send(Map.of("type", "ping", "message_id", "a-1"));
            alice.awaitReply("a-1");
            alice.send(Map.of("type", "user_message", "message_id", "a-2", "payload", Map.of("content", "hi there")));
            alice.awaitReply("a-2");
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> text(robot, "#sim-record-status").contains(" from 1 user, 0 dropped"));
        }

        robot.clickOn("#sim-record-stop");
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> text(robot, "#sim-record-status").startsWith("recorded "));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text(robot, "#sim-record-status")).matches("recorded 2 messages from 1 user over \\d+ s, 0 entries"
                + " dropped: saved as .*alice\\.rec\\.json, now the chosen scenario");
        assertThat(Files.exists(file)).isTrue();
        assertThat(Scenario.read(file).replay().recording().messages()).isEqualTo(2);

        ComboBox<Path> scenario = onFx(() -> robot.lookup("#sim-scenario").queryAs(ComboBox.class));
        assertThat(onFx(scenario::getValue)).isEqualTo(file);
        assertThat(onFx(() -> scenario.getButtonCell().getText())).isEqualTo("alice.rec");
        assertThat(text(robot, "#sim-description")).startsWith("alice — a recording: ");
        assertThat(onFx(() -> robot.lookup("#sim-start").queryAs(Button.class).isDisabled())).isFalse();
        assertThat(onFx(() -> robot.lookup("#sim-record-stop").query().isVisible())).isFalse();
        assertThat(onFx(() -> robot.lookup("#sim-record").queryAs(Button.class).isDisabled())).isFalse();
    }
}
