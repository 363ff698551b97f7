package dev.switchboard.console.ui.connections;

import static dev.switchboard.console.ui.Frames.batch;
import static dev.switchboard.console.ui.Frames.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.console.ui.common.TimeOfDay;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The connections view model, fed by hand, without a window. */
class ConnectionsViewModelTest {

    private static String connection(String id, String user) {
        return "{'connection_id':'" + id + "','user_id':'" + user + "','remote_address':'127.0.0.1:1',"
                + "'thread_id':null,'connected_at':'2026-01-01T00:00:00Z','last_activity':'2026-01-01T00:00:01Z',"
                + "'messages_in':2,'messages_out':3}";
    }

    /** A model whose snapshot lists 10,000 users (u-00000 …), one connection each (c-0 …). */
    private static ConnectionsViewModel tenThousandUsers(String snapshotFields) throws Exception {
        ConnectionsViewModel model = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        StringBuilder snapshot = new StringBuilder("{'type':'monitor_snapshot'," + snapshotFields + "'connections':[");
        for (int i = 0; i < 10_000; i++) {
            snapshot.append(i == 0 ? "" : ",").append(connection("c-" + i, String.format("u-%05d", i)));
        }
        model.apply(batch(0, snapshot.append("]}").toString()));
        return model;
    }

    /** Each change to {@code list} from now on, as "from:-removed+added". */
    private static List<String> changes(javafx.collections.ObservableList<?> list) {
        List<String> changes = new ArrayList<>();
        list.addListener((javafx.collections.ListChangeListener<Object>) c -> {
            while (c.next()) {
                changes.add(c.getFrom() + ":-" + c.getRemovedSize() + "+" + c.getAddedSize());
            }
        });
        return changes;
    }

    private static String opened(String id, String user) {
        return "{'kind':'connection_opened','at':'2026-01-01T00:00:00Z','connection':" + connection(id, user) + "}";
    }

    private static String closed(String id, String user) {
        return "{'kind':'connection_closed','at':'2026-01-01T00:00:00Z','connection':" + connection(id, user) + "}";
    }

    /** Answers every command with {@code reply} and remembers the commands. */
    private static final class AnsweringFeed implements ConsoleFeed {
        final List<JsonNode> commands = new ArrayList<>();
        final ObjectNode reply;

        AnsweringFeed(String reply) throws Exception {
            this.reply = (ObjectNode) new ObjectMapper().readTree(reply.replace('\'', '"'));
        }

        @Override
        public String source() {
            return "test";
        }

        @Override
        public void start(Consumer<MonitorFrame> frames, Consumer<FeedStatus> status) {
        }

        @Override
        public CompletionStage<ObjectNode> command(JsonNode command) {
            commands.add(command);
            return CompletableFuture.completedFuture(reply);
        }

        @Override
        public CompletionStage<UserEndpoint> userEndpoint(String userId) {
            return CompletableFuture.failedFuture(new IllegalStateException("no"));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void groupsTheConnectionsByUserAndFollowsOpensAndCloses() throws Exception {
        ConnectionsViewModel model = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        model.apply(batch(0, "{'type':'monitor_snapshot','connections':[" + connection("c-1", "bob") + ","
                + connection("c-2", "alice") + "," + connection("c-3", "bob") + "]}"));
        assertThat(model.users()).extracting(ConnectionsViewModel.UserConnections::userId)
                .containsExactly("alice", "bob");
        assertThat(model.users().get(1).connections()).extracting(ConnectionRow::connectionId)
                .containsExactly("c-1", "c-3");
        assertThat(model.summaryProperty().get()).isEqualTo("2 users, 3 connections");

        // opened and closed in the same update: never shown
        model.apply(batch(0, update(opened("c-4", "carol") + "," + closed("c-4", "carol") + ","
                + closed("c-2", "alice") + "," + opened("c-5", "dave"))));
        assertThat(model.connections()).extracting(ConnectionRow::connectionId).containsExactly("c-1", "c-3", "c-5");
        assertThat(model.connections().get(0).threadId()).isEmpty();
        assertThat(model.connections().get(0).messagesOut()).isEqualTo(3);

        model.filterProperty().set("da");
        assertThat(model.users()).extracting(ConnectionsViewModel.UserConnections::userId).containsExactly("dave");
        assertThat(model.summaryProperty().get()).isEqualTo("1 users, 3 connections");
    }

    @Test
    void usersAreInTheOrderPeopleCountThem() throws Exception {
        ConnectionsViewModel model = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        model.apply(batch(0, "{'type':'monitor_snapshot','connections':[" + connection("c-1", "u-10") + ","
                + connection("c-2", "u-2") + "," + connection("c-3", "u-1") + "]}"));
        model.apply(batch(0, update(opened("c-4", "u-9"))));
        assertThat(model.users()).extracting(ConnectionsViewModel.UserConnections::userId)
                .containsExactly("u-1", "u-2", "u-9", "u-10");
    }

    @Test
    void aSnapshotThatListsOnlyTheMostActiveConnectionsSaysHowManyAreOpen() throws Exception {
        ConnectionsViewModel model = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        model.apply(batch(0, "{'type':'monitor_snapshot','connections_total':5000,'connections':["
                + connection("c-1", "bob") + "," + connection("c-2", "alice") + "]}"));
        assertThat(model.summaryProperty().get()).isEqualTo("2 users, 5,000 connections (2 listed: the router sent"
                + " the most active; filter by user to find the others)");

        // one the snapshot did not list closes; one opens; a listed one closes
        model.apply(batch(0, update(closed("c-9", "zed") + "," + opened("c-3", "carol") + "," + closed("c-1", "bob"))));
        assertThat(model.summaryProperty().get()).isEqualTo("2 users, 4,999 connections (2 listed: the router sent"
                + " the most active; filter by user to find the others)");
    }

    @Test
    void aPageRefreshesTheFiguresAndBringsInConnectionsTheSnapshotLeftOut() throws Exception {
        ConnectionsViewModel model = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        model.apply(batch(0, "{'type':'monitor_snapshot','connections_total':5,'connections':["
                + connection("c-1", "bob") + "," + connection("c-2", "alice") + "]}"));
        java.time.Instant at = java.time.Instant.parse("2026-01-01T00:00:05Z");
        model.applyPages(List.of(new dev.switchboard.console.feed.NodePage(null,
                new dev.switchboard.router.monitor.wire.ConnectionPage(5, 2, 0, List.of(
                        new dev.switchboard.router.monitor.wire.ConnectionSummary("c-1", "bob", "127.0.0.1:1", "t-1",
                                at, at, 9, 12),
                        new dev.switchboard.router.monitor.wire.ConnectionSummary("c-9", "zed", "127.0.0.1:2", null,
                                at, at, 1, 1))))));
        assertThat(model.connections()).extracting(ConnectionRow::connectionId).containsExactly("c-1", "c-2", "c-9");
        assertThat(model.connections().get(0).messagesIn()).isEqualTo(9);
        assertThat(model.connections().get(0).threadId()).isEqualTo("t-1");
        assertThat(model.users()).extracting(ConnectionsViewModel.UserConnections::userId)
                .containsExactly("alice", "bob", "zed");
        assertThat(model.summaryProperty().get()).isEqualTo("3 users, 5 connections (3 listed: the router sent"
                + " the most active; filter by user to find the others)");
    }

    @Test
    void atTenThousandConnectionsAPageReplacesOnlyTheRowsItRefreshed() throws Exception {
        ConnectionsViewModel model = tenThousandUsers("'connections_total':10001,");
        List<String> changes = changes(model.connections());
        java.time.Instant at = java.time.Instant.parse("2026-01-01T00:00:05Z");
        model.applyPages(List.of(new dev.switchboard.console.feed.NodePage(null,
                new dev.switchboard.router.monitor.wire.ConnectionPage(10_001, 3, 0, List.of(
                        // as the snapshot had it: no change
                        new dev.switchboard.router.monitor.wire.ConnectionSummary("c-3", "u-00003", "127.0.0.1:1",
                                null, java.time.Instant.parse("2026-01-01T00:00:00Z"),
                                java.time.Instant.parse("2026-01-01T00:00:01Z"), 2, 3),
                        new dev.switchboard.router.monitor.wire.ConnectionSummary("c-4000", "u-04000", "127.0.0.1:1",
                                "t-1", at, at, 9, 12),
                        new dev.switchboard.router.monitor.wire.ConnectionSummary("c-left-out", "u-04000", "127.0.0.1:2",
                                "t-2", at, at, 1, 1))))));

        assertThat(changes).containsExactly("4000:-1+1", "10000:-0+1");
        assertThat(model.connections().get(4000).messagesIn()).isEqualTo(9);
        assertThat(model.users().get(4000).connections()).extracting(ConnectionRow::connectionId)
                .containsExactly("c-4000", "c-left-out");
        assertThat(model.summaryProperty().get()).isEqualTo("10,000 users, 10,001 connections");
    }

    @Test
    void aRefreshAsksForAPageOfWhatTheFilterShows() throws Exception {
        AnsweringFeed feed = new AnsweringFeed("{'type':'command_result','result':{'total':0,'matched':0,'offset':0,"
                + "'connections':[]}}");
        ConnectionsViewModel model = new ConnectionsViewModel(feed, Runnable::run);
        model.filterProperty().set("ali");
        model.refresh();
        assertThat(feed.commands).extracting(JsonNode::toString)
                .containsExactly("{\"type\":\"connections\",\"limit\":200,\"filter\":\"ali\"}");
    }

    @Test
    void theFirstUpdateRepeatingAConnectionOfTheSnapshotAddsNoSecondRow() throws Exception {
        ConnectionsViewModel model = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        model.apply(batch(0, "{'type':'monitor_snapshot','connections':[" + connection("c-1", "bob") + "]}"));
        model.apply(batch(0, update(opened("c-1", "bob") + "," + opened("c-2", "bob"))));
        assertThat(model.connections()).extracting(ConnectionRow::connectionId).containsExactly("c-1", "c-2");

        // and in the same batch as its snapshot, as it usually comes
        ConnectionsViewModel same = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        same.apply(batch(0, "{'type':'monitor_snapshot','connections':[" + connection("c-1", "bob") + "]}",
                update(opened("c-1", "bob"))));
        assertThat(same.connections()).extracting(ConnectionRow::connectionId).containsExactly("c-1");
        assertThat(model.users().get(0).connections()).extracting(ConnectionRow::connectionId)
                .containsExactly("c-1", "c-2");
    }

    @Test
    void atTenThousandConnectionsAnUpdateChangesOnlyTheUsersItTouches() throws Exception {
        ConnectionsViewModel model = tenThousandUsers("");
        assertThat(model.users()).hasSize(10_000);
        List<String> changes = changes(model.users());
        model.apply(batch(0, update(opened("c-new", "u-00042") + "," + closed("c-7", "u-00007") + ","
                + opened("c-x", "u-99999"))));
        assertThat(changes).containsExactly("7:-1+0", "41:-1+1", "9999:-0+1");
        assertThat(model.users().get(41).connections()).extracting(ConnectionRow::connectionId)
                .containsExactly("c-42", "c-new");
        assertThat(model.summaryProperty().get()).isEqualTo("10,000 users, 10,001 connections");
    }

    @Test
    void disconnectsAConnectionOrAUserAndSaysWhatTheRouterAnswered() throws Exception {
        AnsweringFeed done = new AnsweringFeed("{'type':'command_result','reply_to':'x','result':{'disconnected':2}}");
        ConnectionsViewModel model = new ConnectionsViewModel(done, Runnable::run);
        model.disconnect(new ConnectionRow("", "bob", "", "", "", "", 0, 0));
        model.disconnect(new ConnectionRow("c-1", "bob", "", "", "", "", 0, 0));
        assertThat(done.commands).extracting(command -> command.toString()).containsExactly(
                "{\"type\":\"disconnect_user\",\"user_id\":\"bob\"}",
                "{\"type\":\"disconnect\",\"connection_id\":\"c-1\"}");
        assertThat(model.actionResultProperty().get()).isEqualTo("disconnected 2");

        ConnectionsViewModel refused = new ConnectionsViewModel(new AnsweringFeed("{'type':'error','code':'forbidden',"
                + "'message':'this command needs the operator role','reply_to':'x'}"), Runnable::run);
        refused.disconnect(new ConnectionRow("", "bob", "", "", "", "", 0, 0));
        assertThat(refused.actionResultProperty().get())
                .isEqualTo("refused: forbidden (this command needs the operator role)");
    }

    @Test
    void drainsOrRefillsAUsersBucketSqueezesItAndSaysWhatTheRouterAnswered() throws Exception {
        AnsweringFeed done = new AnsweringFeed("{'type':'command_result','reply_to':'x','result':{'user_id':'bob',"
                + "'tokens':0}}");
        ConnectionsViewModel model = new ConnectionsViewModel(done, Runnable::run);
        model.bucket(new ConnectionRow("c-1", "bob", "", "", "", "", 0, 0), true);
        assertThat(done.commands).extracting(command -> command.toString())
                .containsExactly("{\"type\":\"bucket\",\"user_id\":\"bob\",\"action\":\"drain\"}");
        assertThat(model.actionResultProperty().get()).isEqualTo("bob's bucket drained: 0 tokens left");
        model.squeeze(new ConnectionRow("c-1", "bob", "", "", "", "", 0, 0), true);
        model.squeeze(new ConnectionRow("c-1", "bob", "", "", "", "", 0, 0), false);
        assertThat(done.commands.subList(1, 3)).extracting(command -> command.toString()).containsExactly(
                "{\"type\":\"squeeze\",\"user_id\":\"bob\",\"action\":\"set\",\"queue_per_user\":1,"
                        + "\"outbox_frames\":1}",
                "{\"type\":\"squeeze\",\"user_id\":\"bob\",\"action\":\"reset\"}");
        assertThat(model.actionResultProperty().get()).isEqualTo("bob back to normal");

        ConnectionsViewModel refused = new ConnectionsViewModel(new AnsweringFeed("{'type':'error','code':'forbidden',"
                + "'message':'this command needs the operator role','reply_to':'x'}"), Runnable::run);
        refused.bucket(new ConnectionRow("", "bob", "", "", "", "", 0, 0), false);
        assertThat(refused.actionResultProperty().get())
                .isEqualTo("refused: forbidden (this command needs the operator role)");
        refused.squeeze(new ConnectionRow("", "bob", "", "", "", "", 0, 0), true);
        assertThat(refused.actionResultProperty().get())
                .isEqualTo("refused: forbidden (this command needs the operator role)");
    }

    @Test
    void traceUserAsksTheRouterToTraceEveryMessageOfTheUserForTenMinutes() throws Exception {
        AnsweringFeed done = new AnsweringFeed("{'type':'command_result','reply_to':'x','result':{'user_id':'bob',"
                + "'until':'2026-01-01T00:10:00Z'}}");
        ConnectionsViewModel model = new ConnectionsViewModel(done, Runnable::run);
        model.traceUser(new ConnectionRow("c-1", "bob", "", "", "", "", 0, 0));
        assertThat(done.commands).extracting(command -> command.toString())
                .containsExactly("{\"type\":\"trace_user\",\"user_id\":\"bob\",\"for_ms\":600000}");
        assertThat(model.actionResultProperty().get()).isEqualTo("bob traced until "
                + TimeOfDay.format(java.time.Instant.parse("2026-01-01T00:10:00Z")) + ": every message (Live log, Why?)");
    }

    @Test
    void aUserOnTwoNodesShowsTheConnectionsOfTheNodeChosenAndAllOfThemAgainAfter() throws Exception {
        ConnectionsViewModel model = new ConnectionsViewModel(new AnsweringFeed("{}"), Runnable::run);
        model.apply(new dev.switchboard.console.state.MonitorBatch(List.of(
                new dev.switchboard.console.feed.NodeFrame("n1", dev.switchboard.console.ui.Frames.frame(
                        "{'type':'monitor_snapshot','connections':[" + connection("c-1", "bob") + "]}")),
                new dev.switchboard.console.feed.NodeFrame("n2", dev.switchboard.console.ui.Frames.frame(
                        "{'type':'monitor_snapshot','connections':[" + connection("c-2", "bob") + ","
                                + connection("c-3", "alice") + "]}"))), null, 0));
        ConnectionsViewModel.UserConnections bob = model.users().get(1);
        assertThat(bob.connections()).extracting(ConnectionRow::connectionId).containsExactly("c-1", "c-2");

        model.nodeFilter().selectedProperty().set("n2");
        assertThat(model.users()).extracting(ConnectionsViewModel.UserConnections::userId)
                .containsExactly("alice", "bob");
        assertThat(model.users().get(1).connections()).extracting(ConnectionRow::connectionId).containsExactly("c-2");

        model.nodeFilter().selectedProperty().set("n1");
        assertThat(model.users()).extracting(ConnectionsViewModel.UserConnections::userId).containsExactly("bob");
        assertThat(model.users().get(0).connections()).extracting(ConnectionRow::connectionId).containsExactly("c-1");

        model.nodeFilter().selectedProperty().set("");
        ConnectionsViewModel.UserConnections all = model.users().get(1);
        assertThat(all.connections()).extracting(ConnectionRow::connectionId).containsExactly("c-1", "c-2");
        model.filterProperty().set("bo");
        model.filterProperty().set("");
        assertThat(model.users().get(1)).as("a user whose connections did not change keeps its group").isSameAs(all);
    }
}
