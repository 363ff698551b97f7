package dev.switchboard.console.ui.connections;

import static dev.switchboard.console.ui.FxReads.onFx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.ui.Frames;
import dev.switchboard.console.ui.SilentFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Scene;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableRow;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * {@link ConnectionsView#rehearse}: an empty view is laid out on a screenful of made-up users,
 * expanded and collapsed, three times scrolled further, and given back its own rows; a view holding
 * users is laid out as it is.
 */
@ExtendWith(ApplicationExtension.class)
class ConnectionsRehearsalTest {
    private ConnectionsViewModel model;
    private ConnectionsView view;
    private TreeTableView<ConnectionRow> tree;

    @Start
    @SuppressWarnings("unchecked")
    void start(Stage stage) {
        model = new ConnectionsViewModel(new SilentFeed(), Runnable::run);
        view = new ConnectionsView(model, user -> { }, new SimpleBooleanProperty(true));
        stage.setScene(new Scene(view, 900, 600));
        stage.show();
        tree = (TreeTableView<ConnectionRow>) view.lookup("#connections-tree");
    }

    /** What one layout of a rehearsal saw: the users listed, whether each was expanded, the rows given a user. */
    private record Pass(List<String> users, List<Boolean> expanded, List<String> rowsShown) {
    }

    private Pass pass() {
        List<TreeItem<ConnectionRow>> users = tree.getRoot().getChildren();
        return new Pass(users.stream().map(item -> item.getValue().userId()).toList(),
                users.stream().map(TreeItem::isExpanded).distinct().toList(), rowsShown());
    }

    /** The users (or connections) the tree's row cells show now. */
    private List<String> rowsShown() {
        return view.lookupAll(".tree-table-row-cell").stream().map(node -> (TreeTableRow<?>) node)
                .filter(row -> !row.isEmpty() && row.getItem() != null)
                .map(row -> ((ConnectionRow) row.getItem()).userId()).filter(Objects::nonNull).toList();
    }

    private List<Pass> rehearse(FxRobot robot) {
        List<Pass> passes = new ArrayList<>();
        robot.interact(() -> view.rehearse(() -> {
            layOut();
            passes.add(pass());
        }));
        return passes;
    }

    private void layOut() {
        view.applyCss();
        view.layout();
    }

    /** A snapshot of one user with one connection. */
    private static String oneUser(String user) {
        return "{'type':'monitor_snapshot','connections':[{'connection_id':'c-1','user_id':'" + user + "',"
                + "'remote_address':'127.0.0.1:1','thread_id':null,'connected_at':'2026-01-01T00:00:00Z',"
                + "'last_activity':'2026-01-01T00:00:01Z','messages_in':2,'messages_out':3}]}";
    }

    @Test
    void anEmptyViewIsLaidOutOnMadeUpUsersInEveryStateAndGivenBackEmpty(FxRobot robot) {
        TreeItem<ConnectionRow> own = onFx(tree::getRoot);

        List<Pass> passes = rehearse(robot);

        assertThat(passes).hasSize(3);
        for (Pass madeUp : passes) {
            assertThat(madeUp.users()).hasSize(60).allMatch(user -> user.startsWith("rehearsal-"));
            assertThat(madeUp.expanded()).containsExactlyInAnyOrder(true, false);
            // a screenful of rows was made and filled: the cells a first opening would otherwise make
            assertThat(madeUp.rowsShown()).hasSizeGreaterThan(15).allMatch(user -> user.startsWith("rehearsal-"));
        }
        // scrolled between passes: the cells took other users
        assertThat(passes.get(1).rowsShown()).doesNotContainAnyElementsOf(passes.get(0).rowsShown());
        assertThat(onFx(tree::getRoot)).isSameAs(own);
        robot.interact(this::layOut);
        assertThat(onFx(this::rowsShown)).isEmpty();

        // the tree goes on following its model: the users who connect, none of the made-up ones
        robot.interact(() -> model.apply(Frames.batch(0, oneUser("alice"))));
        robot.interact(this::layOut);
        assertThat(onFx(() -> tree.getRoot().getChildren().stream().map(item -> item.getValue().userId()).toList()))
                .containsExactly("alice");
        assertThat(onFx(this::rowsShown)).containsExactly("alice", "alice");
    }

    @Test
    void aViewHoldingUsersIsLaidOutAsItIs(FxRobot robot) {
        robot.interact(() -> model.apply(Frames.batch(0, oneUser("bob"))));

        List<Pass> passes = rehearse(robot);

        assertThat(passes).extracting(Pass::users).containsExactly(List.of("bob"));
    }
}
