package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.console.state.LogRow;
import dev.switchboard.console.ui.audit.AuditViewModel;
import dev.switchboard.console.ui.protection.ProtectionViewModel;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * On the Protection view an operator forces a handler's breaker open and puts it back, and pauses a
 * backend and lifts it, as a user would click it; the user's messages and runs are refused
 * meanwhile, and the live log and the Audit view name who did it.
 */
class BreakerControlUiTest extends EmbeddedConsoleTest {

    private static String ping(WsClient user, String id) {
        user.send(Map.of("type", "ping", "message_id", id));
        var reply = user.awaitReply(id);
        return reply.path("type").asText() + (reply.has("code") ? ":" + reply.path("code").asText() : "");
    }

    @Test
    void forcesTheSelectedBreakerOpenThenBackToNormal(FxRobot robot) {
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            assertThat(ping(alice, "p-1")).isEqualTo("pong");
            robot.clickOn("#tab-protection");
            @SuppressWarnings("unchecked")
            TableView<ProtectionViewModel.BreakerRow> breakers = onFx(() ->
                    robot.lookup("#protection-breakers").queryAs(TableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> breakers.getItems().stream()
                    .anyMatch(row -> row.name().equals("handler:ping"))));
            robot.interact(() -> breakers.getSelectionModel().select(breakers.getItems().stream()
                    .filter(row -> row.name().equals("handler:ping")).findFirst().orElseThrow()));

            robot.clickOn("#protection-force-open");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> breakers.getItems().stream()
                    .anyMatch(row -> row.name().equals("handler:ping") && row.state().equals("forced_open")
                            && row.forced().startsWith("by (embedded) until "))));
            assertThat(onFx(() -> robot.lookup("#protection-action-result").queryAs(Label.class).getText()))
                    .startsWith("handler:ping forced open until ");
            assertThat(ping(alice, "p-2")).isEqualTo("error:unavailable");

            robot.interact(() -> breakers.getSelectionModel().select(breakers.getItems().stream()
                    .filter(row -> row.name().equals("handler:ping")).findFirst().orElseThrow()));
            robot.clickOn("#protection-breaker-reset");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> breakers.getItems().stream()
                    .anyMatch(row -> row.name().equals("handler:ping") && row.state().equals("closed")
                            && row.forced().isEmpty())));
            assertThat(ping(alice, "p-3")).isEqualTo("pong");

            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> window.models().log().lines()
                    .stream().filter(row -> row.type().equals("operator_action")).map(LogRow::detail).toList())
                    .size() == 2);
            assertThat(onFx(() -> window.models().log().lines().stream()
                    .filter(row -> row.type().equals("operator_action")).toList()))
                    .allMatch(row -> row.userId().equals("(embedded)"))
                    .extracting(LogRow::detail)
                    .anyMatch(detail -> detail.startsWith("breaker {\"name\":\"handler:ping\",\"action\":\"force_open\""))
                    .anyMatch(detail -> detail.contains("\"action\":\"reset\""));

            // the Audit view lists both, newest first
            robot.clickOn("#tab-audit");
            @SuppressWarnings("unchecked")
            TableView<AuditViewModel.ActionRow> audit = onFx(() -> robot.lookup("#audit-table").queryAs(TableView.class));
            assertThat(onFx(() -> List.copyOf(audit.getItems()))).extracting(AuditViewModel.ActionRow::action,
                    AuditViewModel.ActionRow::by, AuditViewModel.ActionRow::outcome)
                    .containsExactly(tuple("breaker", "(embedded)", "done"), tuple("breaker", "(embedded)", "done"));
            assertThat(onFx(() -> audit.getItems().get(0).args())).contains("\"action\":\"reset\"");
        }
    }

    @Test
    void injectsAFaultIntoTheSelectedBackendAndLiftsIt(FxRobot robot) {
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            robot.clickOn("#tab-protection");
            @SuppressWarnings("unchecked")
            TableView<ProtectionViewModel.BackendRow> backends = onFx(() ->
                    robot.lookup("#protection-backends").queryAs(TableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> !backends.getItems().isEmpty()));
            robot.interact(() -> backends.getSelectionModel().select(0));
            robot.clickOn("#protection-fault-paused");
            robot.clickOn("#protection-fault-inject");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() ->
                    backends.getItems().get(0).fault().startsWith("paused, by (embedded) until ")));

            alice.send(Map.of("type", "user_message", "message_id", "m-1", "payload", Map.of("content", "hi")));
            var events = alice.awaitRun(alice.awaitReply("m-1").path("run_id").asText());
            assertThat(events.get(events.size() - 1).path("data").path("status").asText()).isEqualTo("failed");

            robot.interact(() -> backends.getSelectionModel().select(0));
            robot.clickOn("#protection-fault-lift");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() ->
                    backends.getItems().get(0).fault().isEmpty()));
            assertThat(onFx(() -> robot.lookup("#protection-action-result").queryAs(Label.class).getText()))
                    .endsWith(" back to normal");
        }
    }
}
