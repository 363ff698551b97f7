package dev.switchboard.console.ui.why;

import static dev.switchboard.console.ui.Frames.frame;
import static dev.switchboard.console.ui.Frames.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.NodeFrame;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.console.ui.SilentFeed;
import dev.switchboard.router.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Why, without a window: which router it asks, and what it answers from. */
class WhyViewModelTest {

    /** A cluster of two nodes where only {@code n2} kept alice's trace; records who was asked. */
    private static final class TwoNodes extends SilentFeed {
        final List<String> asked = new ArrayList<>();

        @Override
        public CompletionStage<ObjectNode> command(JsonNode command) {
            return command(null, command);
        }

        @Override
        public CompletionStage<ObjectNode> command(String nodeId, JsonNode command) {
            asked.add(nodeId + ":" + command.path("trace_message_id").asText());
            ObjectNode reply = Json.mapper().createObjectNode().put("type", "command_result");
            var traces = reply.putObject("result").put("user_id", "alice").putArray("traces");
            if ("n2".equals(nodeId)) {
                traces.add(Json.mapper().valueToTree(Map.of("at", "2026-01-01T00:00:00Z", "user_id", "alice",
                        "connection_id", "c-1", "message_id", "m-1", "type", "ping", "frame_bytes", 40,
                        "total_ms", 0.4, "done", true, "dropped_steps", 0, "steps", List.of(Map.of("step", "decode",
                                "at_ms", 0.0, "ms", 0.1, "detail", Map.of("verdict", "ok"))))));
            }
            return CompletableFuture.completedFuture(reply);
        }
    }

    private static MonitorBatch fromNodes(String... nodes) {
        List<NodeFrame> frames = new ArrayList<>();
        for (String node : nodes) {
            frames.add(new NodeFrame(node, frame(update(""))));
        }
        return new MonitorBatch(frames, null, 0);
    }

    @Test
    void inAClusterEveryNodeIsAskedAndTheOneThatKeptTheTraceAnswers() {
        TwoNodes feed = new TwoNodes();
        WhyViewModel why = new WhyViewModel(feed, Runnable::run);
        why.apply(fromNodes("n1", "n2"));

        WhyViewModel.Answer answer = why.ask(WhyViewModel.Question.message("alice", "m-1")).toCompletableFuture()
                .join();
        assertThat(feed.asked).containsExactlyInAnyOrder("n1:m-1", "n2:m-1");
        assertThat(answer.trace()).isNotNull();
        assertThat(answer.text()).startsWith("Why alice's message m-1 (ping) got its answer: 0.400 ms");
        assertThat(why.answerProperty().get()).isEqualTo(answer);
        assertThat(why.showingProperty().get()).isTrue();
    }

    @Test
    void aRouterAloneIsAskedOnceAndAnEmptyAnswerSaysHowToGetATrace() {
        TwoNodes feed = new TwoNodes();
        WhyViewModel why = new WhyViewModel(feed, Runnable::run);
        why.apply(fromNodes((String) null));

        WhyViewModel.Answer answer = why.ask(WhyViewModel.Question.message("alice", "m-9")).toCompletableFuture()
                .join();
        assertThat(feed.asked).containsExactly("null:m-9");
        assertThat(answer.trace()).isNull();
        assertThat(answer.text()).startsWith("No trace of alice's message m-9").contains("Trace user");
        why.close();
        assertThat(why.showingProperty().get()).isFalse();
    }
}
