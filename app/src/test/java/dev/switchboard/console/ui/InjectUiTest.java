package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.inject.ReceivedFrame;
import dev.switchboard.console.inject.SentMessage;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeTableView;
import javafx.scene.input.KeyCode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The inject panel on an embedded router, driven as an operator would, headless through Monocle. */
class InjectUiTest extends EmbeddedConsoleTest {
    /** Whether one of the received table's cells, as laid out now, shows {@code text} (read on the FX thread). */
    private static boolean showsCell(FxRobot robot, String text) {
        return onFx(() -> robot.lookup("#inject-received .table-cell").queryAllAs(TableCell.class)
                .stream().anyMatch(cell -> cell.isVisible() && text.equals(cell.getText())));
    }

    @Test
    void sendsAPingAsANewUserFromTheTemplateAndShowsThePong(FxRobot robot) throws Exception {
        robot.clickOn("#tab-inject");
        robot.clickOn("#inject-user").write("zoe");
        robot.clickOn("#inject-editor").push(KeyCode.SHORTCUT, KeyCode.A).push(KeyCode.DELETE);
        assertThat(onFx(() -> robot.lookup("#inject-send").queryButton().isDisabled())).isTrue();
        robot.clickOn("#inject-templates");
        robot.clickOn("#inject-template-ping");
        assertThat(onFx(() -> robot.lookup("#inject-editor").queryAs(TextArea.class).getText()))
                .contains("\"type\": \"ping\"");
        assertThat(onFx(() -> robot.lookup("#inject-validation").queryAs(Label.class).getText()))
                .isEqualTo("✓ ping as zoe");
        Button send = onFx(() -> robot.lookup("#inject-send").queryButton());
        assertThat(onFx(send::isDisabled)).isFalse();
        robot.clickOn(send);

        @SuppressWarnings("unchecked")
        TableView<ReceivedFrame> received = onFx(() -> robot.lookup("#inject-received").queryAs(TableView.class));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> showsCell(robot, "pong") && showsCell(robot, "connection_established"));
        List<ReceivedFrame> frames = onFx(() -> List.copyOf(received.getItems()));
        assertThat(frames).extracting(ReceivedFrame::type).containsExactly("pong", "connection_established");
        assertThat(frames).allMatch(frame -> frame.userId().equals("zoe"));
        assertThat(onFx(() -> robot.lookup("#inject-connection-state").queryAs(Label.class).getText()))
                .startsWith("zoe: open as c-");
        assertThat(feed.router().connections()).anyMatch(connection -> connection.userId().equals("zoe"));

        // the history: re-send the ping, then load it back into the editor
        @SuppressWarnings("unchecked")
        ListView<SentMessage> history = onFx(() -> robot.lookup("#inject-history").queryAs(ListView.class));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> history.getItems().size() == 1));
        robot.clickOn(onFx(() -> robot.lookup("#inject-history .list-cell").nth(0).queryAs(Node.class)));
        robot.clickOn("#inject-resend");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> received.getItems().stream()
                .filter(frame -> frame.type().equals("pong")).count() == 2));
        assertThat(feed.router().connections().stream().filter(c -> c.userId().equals("zoe"))).hasSize(1);

        robot.clickOn("#inject-editor").push(KeyCode.SHORTCUT, KeyCode.A).push(KeyCode.DELETE);
        assertThat(onFx(send::isDisabled)).isTrue();
        robot.clickOn(onFx(() -> robot.lookup("#inject-history .list-cell").nth(0).queryAs(Node.class)));
        robot.clickOn("#inject-edit");
        assertThat(onFx(() -> robot.lookup("#inject-editor").queryAs(TextArea.class).getText()))
                .contains("\"type\": \"ping\"");
        assertThat(onFx(send::isDisabled)).isFalse();
    }

    @Test
    void ctrlEnterSendsAndTheNextDraftCarriesTheNextMessageId(FxRobot robot) {
        robot.clickOn("#tab-inject");
        robot.clickOn("#inject-user").write("yan");
        TextArea editor = onFx(() -> robot.lookup("#inject-editor").queryAs(TextArea.class));
        robot.interact(() -> editor.setText("{\"type\":\"ping\",\"message_id\":\"k-1\"}"));
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> !onFx(() -> robot.lookup("#inject-send").queryButton().isDisabled()));

        robot.clickOn("#inject-editor").push(KeyCode.SHORTCUT, KeyCode.ENTER);

        @SuppressWarnings("unchecked")
        ListView<SentMessage> history = onFx(() -> robot.lookup("#inject-history").queryAs(ListView.class));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> history.getItems().size() == 1));
        assertThat(onFx(() -> history.getItems().get(0).text())).contains("\"k-1\"");
        assertThat(onFx(() -> editor.getText())).isEqualTo("{\"type\":\"ping\",\"message_id\":\"k-2\"}");
    }

    @Test
    void invalidJsonShowsAnErrorAndDisablesSend(FxRobot robot) {
        robot.clickOn("#tab-inject");
        robot.clickOn("#inject-user").write("zoe");
        robot.clickOn("#inject-editor").push(KeyCode.SHORTCUT, KeyCode.A).write("{\"type\": \"ping\", ");
        Label validation = onFx(() -> robot.lookup("#inject-validation").queryAs(Label.class));
        assertThat(onFx(validation::getText)).startsWith("✗ not valid JSON at line 1");
        assertThat(onFx(() -> robot.lookup("#inject-send").queryButton().isDisabled())).isTrue();

        robot.write("\"message_id\": \"p-1\"}");
        assertThat(onFx(validation::getText)).isEqualTo("✓ ping as zoe");
        assertThat(onFx(() -> robot.lookup("#inject-send").queryButton().isDisabled())).isFalse();

        robot.clickOn("#inject-editor").push(KeyCode.SHORTCUT, KeyCode.A).write("{\"message_id\": \"p-1\"}");
        assertThat(onFx(validation::getText)).isEqualTo("✗ missing \"type\"");
        assertThat(onFx(() -> robot.lookup("#inject-send").queryButton().isDisabled())).isTrue();
    }

    @Test
    void offersTheConnectedUsersAndTheConnectionsViewOpensThePanelAsTheSelectedUser(FxRobot robot) {
        try (WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            robot.clickOn("#tab-connections");
            TreeTableView<?> tree = onFx(() -> robot.lookup("#connections-tree").queryAs(TreeTableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> onFx(() -> tree.getRoot() != null && tree.getRoot().getChildren().size() == 1));
            robot.interact(() -> tree.getSelectionModel().select(0));
            robot.clickOn("#connections-inject");
            TextField user = onFx(() -> robot.lookup("#inject-user").queryAs(TextField.class));
            assertThat(onFx(() -> user.getText())).isEqualTo("alice");

            robot.clickOn("#inject-user").push(KeyCode.SHORTCUT, KeyCode.A).write("someone");
            robot.clickOn("#inject-users");
            robot.clickOn("alice");
            assertThat(onFx(() -> user.getText())).isEqualTo("alice");
        }
    }
}
