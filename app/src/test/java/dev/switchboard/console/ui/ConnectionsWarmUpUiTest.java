package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

/**
 * The Connections view is rehearsed on made-up users while hidden, before the window shows: it must
 * stay hidden, and once opened show the users who connected (more than it shows expanded), none of
 * the made-up ones.
 */
class ConnectionsWarmUpUiTest extends EmbeddedConsoleTest {
    private static final int USERS = 205;

    @Test
    void theWarmUpsKeepTheViewHiddenAndShowTheUsersWhenOpened(FxRobot robot) throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < USERS; i++) {
                clients.add(WsClient.connect(feed.router().clientUri(), "user-" + i));
            }
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> onFx(() -> window.models().connections().users().size()) == USERS);

            Tab connections = onFx(() -> robot.lookup("#views").queryAs(TabPane.class).getTabs().stream()
                    .filter(tab -> tab.getId().equals("tab-connections")).findFirst().orElseThrow());
            assertThat(onFx(connections::getContent)).as("hidden views are out of the scene").isNull();
            assertThat(onFx(() -> window.models().connections().filterProperty().get())).isEmpty();
            assertThat(onFx(() -> window.models().connections().connections().stream()
                    .map(ConnectionRow::userId).distinct().count())).isEqualTo(USERS);

            robot.clickOn("#tab-connections");
            @SuppressWarnings("unchecked")
            TreeTableView<ConnectionRow> tree = onFx(() -> robot.lookup("#connections-tree")
                    .queryAs(TreeTableView.class));
            assertThat(onFx(() -> tree.getRoot().getChildren().stream().map(TreeItem::getValue)
                    .map(ConnectionRow::userId).toList()))
                    .containsExactlyElementsOf(IntStream.range(0, USERS).mapToObj(i -> "user-" + i).toList());
            assertThat(onFx(() -> tree.getRoot().getChildren().stream().noneMatch(TreeItem::isExpanded)))
                    .as("more users than the tree shows expanded").isTrue();
            assertThat(onFx(() -> tree.lookupAll(".tree-table-row-cell").stream()
                    .map(row -> ((TreeTableRow<?>) row).getItem()).filter(item -> item != null)
                    .map(item -> ((ConnectionRow) item).userId()).toList()))
                    .as("the rows shown, from the top").contains("user-0", "user-1")
                    .allMatch(user -> user.startsWith("user-"));
            assertThat(onFx(() -> robot.lookup("#connections-filter").queryTextInputControl().getText())).isEmpty();
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}
