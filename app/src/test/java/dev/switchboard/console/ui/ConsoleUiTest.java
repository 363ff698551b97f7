package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ErrorRow;
import dev.switchboard.console.state.RunRow;
import dev.switchboard.console.state.TimelineEvent;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeTableView;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The console on an embedded router, driven as a user would, headless through Monocle. */
class ConsoleUiTest extends EmbeddedConsoleTest {
    @Test
    void showsBothUsersTheirRunTimelineAndHandlerErrors(FxRobot robot) {
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice");
             WsClient bob = WsClient.connect(feed.router().clientUri(), "bob")) {
            robot.clickOn("#tab-connections");
            TreeTableView<?> tree = onFx(() -> robot.lookup("#connections-tree").queryAs(TreeTableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> onFx(() -> tree.getRoot() != null && tree.getRoot().getChildren().size() == 2));

            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hello")));
            String runId = alice.awaitReply("m").path("run_id").asText();
            alice.awaitRun(runId);
            robot.clickOn("#tab-runs");
            @SuppressWarnings("unchecked")
            TableView<RunRow> runs = onFx(() -> robot.lookup("#runs-table").queryAs(TableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> runs.getItems().stream()
                    .anyMatch(run -> run.runId().equals(runId) && run.statusProperty().get().equals("completed"))));
            robot.interact(() -> runs.getSelectionModel().select(runs.getItems().stream()
                    .filter(run -> run.runId().equals(runId)).findFirst().orElseThrow()));
            @SuppressWarnings("unchecked")
            ListView<TimelineEvent> timeline = onFx(() -> robot.lookup("#run-timeline").queryAs(ListView.class));
            assertThat(onFx(() -> List.copyOf(timeline.getItems()))).extracting(TimelineEvent::type)
                    .contains("agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed");

            bob.send(Map.of("type", "no_such_type", "message_id", "x"));
            bob.awaitReply("x");
            // the overview's "Errors sent to clients" tile counts it and opens the view that lists it
            robot.clickOn("#tab-overview");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() ->
                    robot.lookup("#overview-errors-sent").queryAs(Label.class).getText().equals("1")));
            assertThat(onFx(() -> robot.lookup("#overview-handler-exceptions").queryAs(Label.class).getText()))
                    .isEqualTo("0");
            assertThat(onFx(() -> robot.lookup("#errors-table").tryQuery().isPresent())).isFalse();
            robot.clickOn("#overview-errors-sent");
            // only the selected view is in the scene: its table is there now
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> onFx(() -> robot.lookup("#errors-table").tryQuery().isPresent()));
            @SuppressWarnings("unchecked")
            TableView<ErrorRow> errors = onFx(() -> robot.lookup("#errors-table").queryAs(TableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> !errors.getItems().isEmpty()));
            ErrorRow first = onFx(() -> errors.getItems().get(0));
            assertThat(first.code()).isEqualTo("unknown_type");
            assertThat(first.userId()).isEqualTo("bob");

            // the time column shows the time of day, the full ISO-8601 instant on hover
            @SuppressWarnings("rawtypes")
            List<TableCell> timeCells = new java.util.ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                timeCells.clear();
                timeCells.addAll(onFx(() -> robot.lookup("#errors-table .table-cell").queryAllAs(TableCell.class)
                        .stream().filter(cell -> cell.getTooltip() != null && cell.getItem() != null).toList()));
                return !timeCells.isEmpty();
            });
            TableCell<?, ?> time = timeCells.get(0);
            assertThat(onFx(time::getText)).matches("\\d{2}:\\d{2}:\\d{2}\\.\\d{3}");
            assertThat(onFx(() -> time.getTooltip().getText())).isEqualTo(onFx(() -> time.getItem().toString()))
                    .endsWith("Z");
        }
    }
}
