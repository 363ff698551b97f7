package dev.switchboard.console.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.feed.MonitorFrames;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The view models, fed by a real embedded router or by hand, without a window. */
class ConsoleStateTest {
    private static MonitorFrame doc(String json) {
        MonitorFrame frame = MonitorFrames.read(json.replace('\'', '"'));
        assertThat(frame).as(json).isNotNull();
        return frame;
    }

    private static String runEvent(String type, int seq, String extra) {
        return "{'kind':'run_event','user_id':'alice','run_id':'run-1','thread_id':'t-1','type':'" + type
                + "','seq':" + seq + ",'timestamp':'2026-01-01T00:00:0" + seq + "Z','data':{" + extra + "}}";
    }

    @Test
    void showsConnectionsRunsWithTheirFiveEventsAndErrorsFromARealRouter() {
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().build());
             WsClient alice = WsClient.connect(feed.router().clientUri(), "alice");
             WsClient bob = WsClient.connect(feed.router().clientUri(), "bob")) {
            feed.start(state::offer, state::offerStatus);
            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            String runId = alice.awaitReply("m").path("run_id").asText();
            alice.awaitRun(runId);
            bob.send(Map.of("type", "no_such_type", "message_id", "x"));
            bob.awaitReply("x");
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
                state.applyPending();
                return state.runs().stream().anyMatch(r -> r.runId().equals(runId)
                        && r.statusProperty().get().equals("completed") && r.timeline().size() == 6)
                        && !state.errors().isEmpty();
            });
            assertThat(state.connections()).extracting(ConnectionRow::userId).containsExactlyInAnyOrder("alice", "bob");
            RunRow run = state.runs().stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow();
            assertThat(run.userIdProperty().get()).isEqualTo("alice");
            assertThat(run.backendProperty().get()).isEqualTo("simulated");
            assertThat(run.timeline()).extracting(TimelineEvent::type).containsExactly("agent_started",
                    "agent_thinking", "tool_executing", "tool_completed", "agent_thinking", "agent_completed");
            assertThat(run.flagsProperty().get()).isEmpty();
            assertThat(state.errors().get(0).code()).isEqualTo("unknown_type");
            assertThat(state.errors().get(0).userId()).isEqualTo("bob");
            assertThat(state.statusProperty().get().state().name()).isEqualTo("CONNECTED");
            assertThat(state.types()).extracting(TypeRow::type).contains("user_message");
        }
    }

    @Test
    void flagsRunsMissingEventsOutOfOrderOrStuck() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        ConsoleState state = new ConsoleState(new ConsoleState.Limits(10, 10, 10, 5_000, 100), now::get);
        state.offer(doc("{'type':'monitor_update','stats':{},'events':["
                + runEvent("agent_started", 1, "'agent':'a'") + ","
                + runEvent("agent_completed", 2, "'status':'failed','error':'boom'") + "]}"));
        state.offer(doc("{'type':'monitor_update','stats':{},'events':["
                + runEvent("agent_started", 1, "").replace("run-1", "run-2") + ","
                + runEvent("tool_completed", 2, "'tool':'x','duration_ms':3").replace("run-2", "run-2")
                        .replace("run-1", "run-2") + "]}"));
        state.offer(doc("{'type':'monitor_update','stats':{},'events':["
                + runEvent("agent_started", 1, "").replace("run-1", "run-3") + "]}"));
        state.applyPending();
        Map<String, String> flags = new java.util.HashMap<>();
        state.runs().forEach(run -> flags.put(run.runId(), run.flagsProperty().get()));
        assertThat(flags.get("run-1")).isEqualTo("missing agent_thinking, tool_executing, tool_completed");
        assertThat(flags.get("run-2")).isEqualTo("out of order");
        assertThat(flags.get("run-3")).isEmpty();
        now.addAndGet(6_000);
        state.applyPending();
        RunRow stuck = state.runs().stream().filter(r -> r.runId().equals("run-3")).findFirst().orElseThrow();
        assertThat(stuck.flagsProperty().get()).isEqualTo("stuck");
    }

    @Test
    void keepsEveryListBounded() throws Exception {
        ConsoleState state = new ConsoleState(new ConsoleState.Limits(3, 2, 10, 5_000, 4), System::currentTimeMillis);
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            events.append(i == 0 ? "" : ",").append(runEvent("agent_started", 1, "").replace("run-1", "run-" + i));
            events.append(",{'kind':'error','user_id':'u','type':'x','code':'unknown_type','message':'m'}");
        }
        state.offer(doc("{'type':'monitor_update','stats':{},'events':[" + events + "]}"));
        state.applyPending();
        assertThat(state.runs()).hasSize(3);
        assertThat(state.runs().get(0).runId()).isEqualTo("run-4");
        assertThat(state.errors()).hasSize(2);
        assertThat(state.log()).hasSize(4);
        assertThat(state.log().get(3).type()).isEqualTo("error");
    }

    @Test
    void dropsTheOldestDocumentsWhenTheUiFallsBehind() throws Exception {
        ConsoleState state = new ConsoleState(ConsoleState.Limits.defaults(), System::currentTimeMillis);
        for (int i = 0; i < 300; i++) {
            state.offer(doc("{'type':'monitor_update','stats':{'connections':" + i + "},'events':[]}"));
        }
        assertThat(state.droppedDocuments()).isEqualTo(44);
        state.applyPending();
        assertThat(state.statsProperty().get().connections()).isEqualTo(299);
        assertThat(List.of(state.samples().size())).containsExactly(1);
    }
}
