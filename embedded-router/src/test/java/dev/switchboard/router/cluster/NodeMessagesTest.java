package dev.switchboard.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeMessagesTest {

    @Test
    void everyMessageReadsBackAsWritten() {
        String frame = "{\"type\":\"agent_thinking\",\"run_id\":\"r-1\",\"data\":{\"thought\":\"a: b\\n c\"}}";
        assertThat(NodeMessages.decode(NodeMessages.deliver("alice@example.com", frame)))
                .isEqualTo(new NodeMessages.Message('D', "alice@example.com", frame, null, null));
        assertThat(NodeMessages.decode(NodeMessages.stop("n1/7", "n1", "bob", "r-9:x")))
                .isEqualTo(new NodeMessages.Message('S', "n1/7", "n1", "bob", "r-9:x"));
        assertThat(NodeMessages.decode(NodeMessages.stopped("n1/7", true)))
                .isEqualTo(new NodeMessages.Message('R', "n1/7", "1", null, null));
        assertThat(NodeMessages.decode(NodeMessages.presence(false, "n-2", "carol")))
                .isEqualTo(new NodeMessages.Message('-', "n-2", "carol", null, null));
        assertThat(NodeMessages.decode(NodeMessages.gone("n-2"))).isEqualTo(new NodeMessages.Message('!', "n-2", null,
                null, null));
    }

    @Test
    void severalEventsTravelInOneMessageInTheirOrder() {
        StringBuilder text = NodeMessages.deliveries();
        NodeMessages.appendDelivery(text, "alice", "{\"seq\":1,\"note\":\"12:34\"}");
        NodeMessages.appendDelivery(text, "bob", "{\"seq\":1}");
        NodeMessages.appendDelivery(text, "alice", "{\"seq\":2}");
        java.util.List<String> seen = new java.util.ArrayList<>();

        int count = NodeMessages.forEachDelivery(text.toString(), (user, frame) -> seen.add(user + " " + frame));

        assertThat(count).isEqualTo(3);
        assertThat(seen).containsExactly("alice {\"seq\":1,\"note\":\"12:34\"}", "bob {\"seq\":1}",
                "alice {\"seq\":2}");
        assertThat(NodeMessages.decode(text.toString()).kind()).isEqualTo('B');
        assertThatThrownBy(() -> NodeMessages.forEachDelivery("B5:alice9:{}", (user, frame) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void somethingElseOnAChannelIsRefusedNotMisread() {
        assertThatThrownBy(() -> NodeMessages.decode("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMessages.decode("Xwhatever")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMessages.decode("D99:alice{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMessages.decode("Dalice{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeMessages.decode("Sonly-one-field")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void presenceKeepsWhatChangedDuringAReloadOverWhatTheReloadRead() {
        RemotePresence presence = new RemotePresence();
        presence.joined("alice", "n2");
        presence.joined("bob", "n2");
        long readSince = System.nanoTime();
        presence.joined("carol", "n3"); // heard while the reload was reading
        presence.reload(Map.of("alice", Set.of("n2", "n3")), readSince);

        assertThat(presence.nodesOf("alice")).containsExactlyInAnyOrder("n2", "n3");
        assertThat(presence.nodesOf("bob")).as("gone from Redis, not changed since").isEmpty();
        assertThat(presence.nodesOf("carol")).as("newer than the reload").containsExactly("n3");

        presence.dropNode("n3");
        assertThat(presence.nodesOf("alice")).containsExactly("n2");
        assertThat(presence.nodesOf("carol")).isEmpty();
        assertThat(presence.users()).isEqualTo(1);
    }
}
