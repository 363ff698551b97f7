package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ErrorRow;
import dev.switchboard.console.state.RunRow;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The Why pane, as a user reaches it: from a run (which backend and why) and from an error (the
 * path of the message it answered), drawn step by step under the view, and closed again.
 */
class WhyPaneUiTest extends EmbeddedConsoleTest {

    private static List<String> stepNames(FxRobot robot) {
        return onFx(() -> robot.lookup("#why-steps .why-step").queryAllAs(Label.class).stream()
                .map(Label::getText).filter(text -> !text.contains("ms")).toList());
    }

    @Test
    void aRunAndAnErrorAreExplainedStepByStepInTheWhyPane(FxRobot robot) {
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            alice.send(Map.of("type", "start_agent", "message_id", "s-1", "payload", Map.of("content", "hello")));
            String runId = alice.awaitReply("s-1").path("run_id").asText();
            alice.awaitType("agent_completed");
            alice.send(Map.of("type", "no_such_type", "message_id", "x-1"));
            alice.awaitReply("x-1");

            robot.clickOn("#tab-runs");
            @SuppressWarnings("unchecked")
            TableView<RunRow> runs = onFx(() -> robot.lookup("#runs-table").queryAs(TableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> runs.getItems().stream()
                    .anyMatch(run -> run.runId().equals(runId))));
            robot.interact(() -> runs.getSelectionModel().select(runs.getItems().stream()
                    .filter(run -> run.runId().equals(runId)).findFirst().orElseThrow()));
            assertThat(onFx(() -> robot.lookup("#why-pane").query().isVisible())).isFalse();
            robot.clickOn("#run-why");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stepNames(robot).contains("backend"));
            assertThat(onFx(() -> robot.lookup("#why-title").queryAs(Label.class).getText()))
                    .startsWith("Why alice's run " + runId + " (start_agent) got its answer");
            assertThat(stepNames(robot)).contains("decode", "protection", "handler", "run", "backend");
            // the bars get their width at the next layout pass after the answer is drawn
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> robot.lookup("#why-steps .why-bar")
                    .queryAll().stream().allMatch(bar -> ((javafx.scene.layout.Region) bar).getWidth() >= 2)));

            robot.clickOn("#tab-errors");
            @SuppressWarnings("unchecked")
            TableView<ErrorRow> errors = onFx(() -> robot.lookup("#errors-table").queryAs(TableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> errors.getItems().stream()
                    .anyMatch(error -> error.type().equals("no_such_type"))));
            robot.interact(() -> errors.getSelectionModel().select(errors.getItems().stream()
                    .filter(error -> error.type().equals("no_such_type")).findFirst().orElseThrow()));
            robot.clickOn("#errors-why");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> robot.lookup("#why-title")
                    .queryAs(Label.class).getText().startsWith("Why alice's message x-1 (no_such_type)")));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> stepNames(robot).contains("error"));

            robot.clickOn("#why-close");
            Node pane = onFx(() -> robot.lookup("#why-pane").query());
            assertThat(onFx(pane::isVisible)).isFalse();
        }
    }
}
