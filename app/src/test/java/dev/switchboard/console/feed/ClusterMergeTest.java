package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.monitor.wire.ClusterNode;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.Stats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterMergeTest {

    private static Stats stats(int connections, double rate, double p99, long errors, long pings) {
        return new Stats(connections, connections, rate, 0, 0, 0, errors, 0, Map.of("ping", pings), null, null, 0,
                Map.of("p99", p99), Map.of("normal", 1), 0, 0, null, Map.of("p99", p99 * 2), null, null);
    }

    private static MonitorUpdate update(Stats stats, MonitorEvent... events) {
        return new MonitorUpdate(1, Instant.now(), stats, null, List.of(events), 0);
    }

    private static ClusterNode member(String id, String state) {
        return new ClusterNode(id, state, "ws://127.0.0.1:1/ws", "ws://127.0.0.1:1/monitor", null, 0, 0, 0, null, null);
    }

    private static ClusterMerge twoNodesUp() {
        ClusterMerge merge = new ClusterMerge();
        merge.feed("n1", true, "ws://n1");
        merge.feed("n2", true, "ws://n2");
        return merge;
    }

    @Test
    void tagsEachFrameWithItsNodeAndCarriesTheClusterTotals() {
        ClusterMerge merge = twoNodesUp();
        merge.merge("n1", update(stats(2, 10.5, 3.0, 1, 7)));
        MonitorEvent.ErrorSent error = new MonitorEvent.ErrorSent(Instant.now(), "bob", "c-1", "x", "unknown_type", "no", null);

        NodeFrame merged = merge.merge("n2", update(stats(3, 4.0, 9.5, 2, 5), error));

        assertThat(merged.nodeId()).isEqualTo("n2");
        Stats totals = merged.frame().stats();
        assertThat(totals.connections()).isEqualTo(5);
        assertThat(totals.messagesPerSecond()).isEqualTo(14.5);
        assertThat(totals.handlerErrors()).isEqualTo(3);
        assertThat(totals.byType()).containsEntry("ping", 12L);
        assertThat(totals.queueDepth()).containsEntry("normal", 2);
        assertThat(totals.latencyMs("p99")).as("the slowest node's").isEqualTo(9.5);
        assertThat(((MonitorUpdate) merged.frame()).events()).containsExactly(error);
    }

    @Test
    void aUserOnTwoNodesCountsOnceOnceTheMemberListSaysHowManyUsersThereAre() {
        ClusterMerge merge = twoNodesUp();
        merge.merge("n1", update(stats(2, 1, 1, 0, 0)));
        merge.merge("n2", update(stats(3, 1, 1, 0, 0)));
        assertThat(merge.totals().users()).as("before any member list: the nodes' sum").isEqualTo(5);

        merge.members("ok", List.of(member("n1", "up"), member("n2", "up")), 4);

        assertThat(merge.totals().users()).isEqualTo(4);
        assertThat(merge.totals().connections()).isEqualTo(5);
    }

    @Test
    void aNodeWhoseFeedDropsIsDownAndLeavesTheTotals() {
        ClusterMerge merge = twoNodesUp();
        merge.merge("n1", update(stats(2, 1, 1, 0, 0)));
        merge.merge("n2", update(stats(3, 1, 1, 0, 0)));

        merge.feed("n2", false, "closed by the router (1001)");

        assertThat(merge.totals().connections()).isEqualTo(2);
        assertThat(merge.picture().nodes()).extracting(ClusterPicture.Node::nodeId, ClusterPicture.Node::state,
                ClusterPicture.Node::detail).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("n1", "up", "ws://n1"),
                        org.assertj.core.groups.Tuple.tuple("n2", "down", "closed by the router (1001)"));
    }

    @Test
    void aNodeListedDownIsDownEvenWhileItsFeedIsLiveAndUpAgainWhenListedUp() {
        ClusterMerge merge = twoNodesUp();

        merge.members("ok", List.of(member("n1", "up"), member("n2", "down")), null);
        assertThat(merge.isUp("n2")).isFalse();
        assertThat(merge.picture().nodes().get(1).detail()).isEqualTo("listed down");

        merge.members("ok", List.of(member("n1", "up"), member("n2", "up")), null);
        assertThat(merge.isUp("n2")).isTrue();
    }

    @Test
    void reportsMembersNotKnownBeforeAsJoined() {
        ClusterMerge merge = twoNodesUp();

        List<ClusterNode> joined = merge.members("ok", List.of(member("n1", "up"), member("n3", "up")), null);

        assertThat(joined).extracting(ClusterNode::nodeId).containsExactly("n3");
        assertThat(merge.isUp("n3")).as("no feed yet").isFalse();
        assertThat(merge.monitorUrl("n3")).isEqualTo("ws://127.0.0.1:1/monitor");
        assertThat(merge.picture().nodeIds()).containsExactly("n1", "n2", "n3");
    }
}
