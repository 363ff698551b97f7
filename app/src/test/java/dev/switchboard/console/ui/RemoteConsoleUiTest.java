package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.RemoteFeed;
import dev.switchboard.console.state.RoleViewModel;
import dev.switchboard.console.ui.common.OperatorOnly;
import dev.switchboard.router.Router;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The console attached to a separately started router with a viewer token. */
@ExtendWith(ApplicationExtension.class)
class RemoteConsoleUiTest {
    private static final String SECRET = "console-ui-remote-secret-32-bytes-or-more";
    private Router router;
    private RemoteFeed feed;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        router = TestRouters.start(config -> config.httpPort(-1).jwtSecret(SECRET));
        String token = new TokenService(SECRET, Clock.systemUTC()).mint("oncall", Role.VIEWER, Duration.ofMinutes(5));
        feed = new RemoteFeed(URI.create("ws://127.0.0.1:" + router.port() + "/monitor"), token);
        window = new ConsoleApp().show(stage, feed);
    }

    @AfterEach
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.detach()).get(5, TimeUnit.SECONDS);
        feed.close();
        router.stop();
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
