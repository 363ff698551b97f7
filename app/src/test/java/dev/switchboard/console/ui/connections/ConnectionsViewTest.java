package dev.switchboard.console.ui.connections;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.ui.Frames;
import dev.switchboard.console.ui.SilentFeed;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Scene;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The connections tree past {@link ConnectionsView#EXPAND_ALL_UP_TO} users, filtered and cleared. */
@ExtendWith(ApplicationExtension.class)
class ConnectionsViewTest {
    private static final int USERS = 300;
    private ConnectionsViewModel model;
    private TreeTableView<ConnectionRow> tree;

    private static String connection(int id, String user) {
        return "{'connection_id':'c-" + id + "','user_id':'" + user + "','remote_address':'127.0.0.1:1',"
                + "'thread_id':null,'connected_at':'2026-01-01T00:00:00Z','last_activity':'2026-01-01T00:00:01Z',"
                + "'messages_in':2,'messages_out':3}";
    }

    @Start
    @SuppressWarnings("unchecked")
    void start(Stage stage) {
        model = new ConnectionsViewModel(new SilentFeed(), Runnable::run);
        ConnectionsView view = new ConnectionsView(model, user -> { }, new SimpleBooleanProperty(true));
        String connections = IntStream.range(0, USERS).mapToObj(i -> connection(i, String.format("user-%03d", i)))
                .collect(Collectors.joining(","));
        model.apply(Frames.batch(0, "{'type':'monitor_snapshot','connections':[" + connections + "]}"));
        stage.setScene(new Scene(view, 900, 600));
        stage.show();
        tree = (TreeTableView<ConnectionRow>) view.lookup("#connections-tree");
    }

    private List<TreeItem<ConnectionRow>> users() {
        return List.copyOf(tree.getRoot().getChildren());
    }

    @Test
    void manyUsersAreCollapsedAFilteredFewAreExpandedAndClearingKeepsTheRows(FxRobot robot) {
        List<TreeItem<ConnectionRow>> before = onFx(this::users);
        assertThat(before).hasSize(USERS).noneMatch(TreeItem::isExpanded);
        assertThat(before.get(0).getValue().remoteAddress()).isEqualTo("1 connection");

        robot.interact(() -> model.filterProperty().set("user-01"));
        List<TreeItem<ConnectionRow>> filtered = onFx(this::users);
        assertThat(filtered).extracting(item -> item.getValue().userId())
                .containsExactlyElementsOf(IntStream.range(10, 20).mapToObj(i -> "user-0" + i).toList());
        assertThat(filtered).allMatch(TreeItem::isExpanded);
        assertThat(onFx(() -> filtered.get(0).getChildren().get(0).getValue().connectionId())).isEqualTo("c-10");
        assertThat(onFx(tree::getExpandedItemCount)).isEqualTo(20);

        // user-250 closes while the filter hides it
        robot.interact(() -> model.apply(Frames.batch(1, Frames.update("{'kind':'connection_closed',"
                + "'at':'2026-01-01T00:00:02Z','connection':" + connection(250, "user-250") + "}"))));
        robot.interact(() -> model.filterProperty().set(""));
        List<TreeItem<ConnectionRow>> after = onFx(this::users);
        assertThat(after).hasSize(USERS - 1).noneMatch(TreeItem::isExpanded);
        assertThat(after).extracting(item -> item.getValue().userId()).doesNotContain("user-250");
        // the rows of users whose connections did not change are the same rows as before the filter
        assertThat(after.get(0)).isSameAs(before.get(0));
        assertThat(after.get(USERS - 2)).isSameAs(before.get(USERS - 1));
        assertThat(onFx(tree::getExpandedItemCount)).isEqualTo(USERS - 1);
    }
}
