package dev.switchboard.console.ui;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.ConsoleApp;
import dev.switchboard.console.feed.EmbeddedCluster;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.ui.overview.NodeRow;
import dev.switchboard.router.Router;
import dev.switchboard.router.support.EmbeddedRedis;
import dev.switchboard.router.support.TestCluster;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
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

/**
 * The console watching an embedded three-node cluster on a real Redis: the nodes, the totals, the
 * Node column and filter, a disconnect sent to the node holding the connection, and a node that
 * stops turning red.
 */
@ExtendWith(ApplicationExtension.class)
class ClusterConsoleUiTest {
    private EmbeddedRedis redis;
    private EmbeddedCluster cluster;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        redis = EmbeddedRedis.start();
        cluster = EmbeddedCluster.start(3, redis.url(), TestCluster.HEARTBEAT, TestCluster.NODE_TTL);
        window = new ConsoleApp().show(stage, cluster.feed());
    }

    @AfterEach
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.detach()).get(5, TimeUnit.SECONDS);
        cluster.feed().close();
        redis.close();
    }

    @SuppressWarnings("unchecked")
    private static TableView<NodeRow> nodeTable(FxRobot robot) {
        return onFx(() -> robot.lookup("#overview-nodes").queryAs(TableView.class));
    }

    private static Map<String, String> states(TableView<NodeRow> table) {
        return onFx(() -> table.getItems().stream().collect(Collectors.toMap(NodeRow::nodeId, NodeRow::state,
                (a, b) -> a, TreeMap::new)));
    }

    @Test
    void showsEveryNodeWithItsConnectionsAndTheClusterTotalsAndANodeThatStopsTurnsRed(FxRobot robot) {
        List<Router> nodes = cluster.routers();
        try (WsClient alice = WsClient.connect(nodes.get(0).clientUri(), "alice");
             WsClient bob = WsClient.connect(nodes.get(1).clientUri(), "bob");
             WsClient dave = WsClient.connect(nodes.get(1).clientUri(), "dave");
             WsClient carol = WsClient.connect(nodes.get(2).clientUri(), "carol")) {
            TableView<NodeRow> table = nodeTable(robot);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onFx(() -> table.getItems().stream()
                    .map(row -> row.nodeId() + ":" + row.state() + ":" + row.connections()).toList())
                    .equals(List.of("n1:up:1", "n2:up:2", "n3:up:1")));
            Label connections = onFx(() -> robot.lookup("#overview-connections").queryAs(Label.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(connections::getText).equals("4"));
            assertThat(onFx(() -> robot.lookup("#overview-cluster").queryAs(Label.class).getText()))
                    .startsWith("Cluster: 3 of 3 nodes up");

            Map<String, String> nodeOfUser = onFx(() -> window.models().connections().connections().stream()
                    .collect(Collectors.toMap(ConnectionRow::userId, ConnectionRow::nodeId)));
            assertThat(nodeOfUser).containsExactlyInAnyOrderEntriesOf(
                    Map.of("alice", "n1", "bob", "n2", "dave", "n2", "carol", "n3"));

            robot.clickOn("#tab-connections");
            @SuppressWarnings("unchecked")
            TreeTableView<ConnectionRow> tree = onFx(() -> robot.lookup("#connections-tree").queryAs(TreeTableView.class));
            @SuppressWarnings("unchecked")
            ChoiceBox<String> nodeFilter = onFx(() -> robot.lookup("#connections-node-filter").queryAs(ChoiceBox.class));
            assertThat(onFx(() -> List.copyOf(nodeFilter.getItems()))).containsExactly("All nodes", "n1", "n2", "n3");
            assertThat(onFx(() -> tree.getColumns().get(1).getText() + " " + tree.getColumns().get(1).isVisible()))
                    .isEqualTo("Node true");
            robot.interact(() -> nodeFilter.setValue("n2"));
            assertThat(onFx(() -> tree.getRoot().getChildren().stream().map(item -> item.getValue().userId()).toList()))
                    .containsExactly("bob", "dave");

            // bob is on n2: the disconnect goes to n2, the node that holds his connection
            TreeItem<ConnectionRow> bobsConnection = onFx(() -> tree.getRoot().getChildren().get(0).getChildren().get(0));
            robot.interact(() -> tree.getSelectionModel().select(bobsConnection));
            robot.clickOn("#connections-disconnect");
            // disconnecting real users is confirmed first
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> onFx(() -> robot.lookup("#disconnect-confirm").tryQuery().isPresent()));
            DialogPane confirm = onFx(() -> robot.lookup("#disconnect-confirm").queryAs(DialogPane.class));
            assertThat(onFx(confirm::getHeaderText)).contains("bob");
            robot.interact(() -> ((Button) confirm.lookupButton(ButtonType.OK)).fire());
            Label result = onFx(() -> robot.lookup("#connections-action-result").queryAs(Label.class));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(result::getText).equals("disconnected 1"));
            robot.interact(() -> nodeFilter.setValue("All nodes"));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(() -> tree.getRoot().getChildren().size()) == 3);

            robot.clickOn("#tab-overview");
            long stoppedAt = System.nanoTime();
            nodes.get(2).stop();
            TableView<NodeRow> after = nodeTable(robot);
            Awaitility.await().atMost(TestCluster.NODE_TTL.plusSeconds(2))
                    .until(() -> "down".equals(states(after).get("n3")));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
            assertThat(tookMs).isLessThan(TestCluster.NODE_TTL.toMillis() + 2_000);
            assertThat(states(after)).containsEntry("n1", "up").containsEntry("n2", "up");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> onFx(connections::getText).equals("2"));
            alice.assertUsable();
        }
    }
}
