package dev.switchboard.console.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.MonitorFrames;
import dev.switchboard.console.ui.ConsoleViewModels;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The seam: frames offered on feed threads reach every feature's view model as one batch per tick, without a window. */
class ConsoleStateTest {

    private static MonitorFrame doc(String json) {
        MonitorFrame frame = MonitorFrames.read(json.replace('\'', '"'));
        assertThat(frame).as(json).isNotNull();
        return frame;
    }

    @Test
    void showsConnectionsRunsWithTheirFiveEventsAndErrorsFromARealRouter() {
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().build());
             WsClient alice = WsClient.connect(feed.router().clientUri(), "alice");
             WsClient bob = WsClient.connect(feed.router().clientUri(), "bob")) {
            ConsoleViewModels models = ConsoleViewModels.attach(state, feed, Runnable::run);
            feed.start(state::offer, state::offerStatus);
            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            String runId = alice.awaitReply("m").path("run_id").asText();
            alice.awaitRun(runId);
            bob.send(Map.of("type", "no_such_type", "message_id", "x"));
            bob.awaitReply("x");
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                state.applyPending();
                return models.runs().runs().stream().anyMatch(r -> r.runId().equals(runId)
                        && r.statusProperty().get().equals("completed") && r.timeline().size() == 6)
                        && !models.errors().errors().isEmpty();
            });
            assertThat(models.connections().connections()).extracting(ConnectionRow::userId)
                    .containsExactlyInAnyOrder("alice", "bob");
            RunRow run = models.runs().runs().stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow();
            assertThat(run.userIdProperty().get()).isEqualTo("alice");
            assertThat(run.backendProperty().get()).isEqualTo("simulated");
            assertThat(run.timeline()).extracting(TimelineEvent::type).containsExactly("agent_started",
                    "agent_thinking", "tool_executing", "tool_completed", "agent_thinking", "agent_completed");
            assertThat(run.flagsProperty().get()).isEmpty();
            assertThat(models.errors().errors().get(0).code()).isEqualTo("unknown_type");
            assertThat(models.errors().errors().get(0).userId()).isEqualTo("bob");
            assertThat(state.statusProperty().get().state().name()).isEqualTo("CONNECTED");
            assertThat(models.types().types()).extracting(TypeRow::type).contains("user_message");
        }
    }

    @Test
    void handsEveryListenerTheFramesOfATickAsOneBatchInOrder() {
        AtomicLong now = new AtomicLong(5_000);
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), now::get);
        List<MonitorBatch> first = new ArrayList<>();
        List<MonitorBatch> second = new ArrayList<>();
        state.addListener(first::add);
        state.addListener(second::add);
        state.offer(doc("{'type':'monitor_snapshot','stats':{'connections':1}}"));
        state.offer(doc("{'type':'monitor_update','seq':1,'stats':{'connections':2},'events':[]}"));
        now.set(5_100);
        state.applyPending();
        state.applyPending();
        assertThat(first).hasSize(2);
        assertThat(first.get(0).frames()).extracting(frame -> frame.stats().connections()).containsExactly(1, 2);
        assertThat(first.get(0).nowMillis()).isEqualTo(5_100);
        assertThat(first.get(1).frames()).isEmpty();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void dropsTheOldestDocumentsWhenTheUiFallsBehind() {
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        List<MonitorBatch> batches = new ArrayList<>();
        state.addListener(batches::add);
        for (int i = 0; i < 300; i++) {
            state.offer(doc("{'type':'monitor_update','stats':{'connections':" + i + "},'events':[]}"));
        }
        assertThat(state.droppedDocuments()).isEqualTo(44);
        state.applyPending();
        assertThat(batches.get(0).frames()).hasSize(256);
        assertThat(batches.get(0).latest().stats().connections()).isEqualTo(299);
    }
}
