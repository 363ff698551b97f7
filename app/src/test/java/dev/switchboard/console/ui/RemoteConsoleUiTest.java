package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.RemoteFeed;
import dev.switchboard.console.state.RoleViewModel;
import dev.switchboard.console.ui.common.OperatorOnly;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Duration;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/** The console attached to a separately started router with a viewer token. */
class RemoteConsoleUiTest extends RemoteConsoleTest {

    @Override
    protected ConsoleFeed feed(URI monitor) {
        return new RemoteFeed(monitor, token("oncall", Role.VIEWER));
    }

    @Test
    void aViewerSeesTheRemoteRoutersUsersItsRoleAndOperatorActionsDisabledWithTheReason(FxRobot robot) {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            robot.clickOn("#tab-connections");
            @SuppressWarnings("unchecked")
            TreeTableView<Object> tree = onFx(() -> robot.lookup("#connections-tree").queryAs(TreeTableView.class));
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> onFx(() -> tree.getRoot() != null && tree.getRoot().getChildren().size() == 1));
            TreeItem<Object> user = onFx(() -> tree.getRoot().getChildren().get(0));
            robot.interact(() -> tree.getSelectionModel().select(user));

            Button disconnect = onFx(() -> robot.lookup("#connections-disconnect").queryAs(Button.class));
            assertThat(onFx(disconnect::isDisabled)).as("a viewer's Disconnect").isTrue();
            Node guard = onFx(() -> robot.lookup("#connections-disconnect-guard").query());
            assertThat(onFx(() -> OperatorOnly.reason(guard).getText())).isEqualTo("Disconnecting "
                    + RoleViewModel.VIEWER_REASON);
            assertThat(onFx(() -> robot.lookup("#connections-inject").queryAs(Button.class).isDisabled())).isTrue();
            assertThat(onFx(() -> robot.lookup("#status-feed").queryAs(Label.class).getText())).startsWith("connected")
                    .endsWith("· viewer");
            assertThat(onFx(() -> window.getScene().getWindow() instanceof Stage stage ? stage.getTitle() : ""))
                    .endsWith("· viewer");
            alice.assertUsable();
        }
    }
}
