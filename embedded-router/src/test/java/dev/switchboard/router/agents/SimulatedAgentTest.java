package dev.switchboard.router.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.support.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatedAgentTest {

    /** Records the script as text. */
    static final class Recorder implements AgentRunEvents {
        final List<String> steps = new CopyOnWriteArrayList<>();
        final List<Runnable> onEnd = new ArrayList<>();
        volatile boolean ended;

        @Override
        public void thinking(String thought) {
            steps.add("thinking");
        }

        @Override
        public void toolExecuting(String tool, Map<String, Object> input) {
            steps.add("executing:" + tool);
        }

        @Override
        public void toolCompleted(String tool, Object output, long durationMs) {
            steps.add("completed:" + tool);
        }

        @Override
        public boolean isEnded() {
            return ended;
        }

        @Override
        public void onEnd(Runnable action) {
            onEnd.add(action);
        }
    }

    private static AgentRequest request(List<String> tools) {
        return new AgentRequest("run-1", "alice", "t-1", "simulated", "question", tools);
    }

    @Test
    void runsTheScriptedSequenceWithEachToolExecutingThenCompleted() throws Exception {
        try (SimulatedAgent agent = new SimulatedAgent(SimulatedAgent.Settings.defaults()
                .withStepDelay(Duration.ofMillis(1)).withToolCount(2))) {
            Recorder events = new Recorder();
            AgentResult result = agent.execute(request(List.of()), events).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(events.steps).containsExactly("thinking", "executing:web_search", "completed:web_search",
                    "executing:summarize", "completed:summarize", "thinking");
            assertThat(result.result()).contains("question").contains("web_search, summarize");
        }
    }

    @Test
    void failsAtTheLastToolWhenTheFailureRateIsOne() {
        try (SimulatedAgent agent = new SimulatedAgent(SimulatedAgent.Settings.defaults()
                .withStepDelay(Duration.ofMillis(1)).withFailureRate(1.0))) {
            Recorder events = new Recorder();
            CompletableFuture<AgentResult> outcome = agent.execute(request(List.of("calc")), events).toCompletableFuture();
            assertThat(outcome).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(AgentFailure.class);
            assertThat(events.steps).containsExactly("thinking", "executing:calc", "completed:calc");
        }
    }

    @Test
    void stopsSchedulingOnceTheRunHasEnded() throws Exception {
        ManualScheduler scheduler = new ManualScheduler();
        SimulatedAgent agent = new SimulatedAgent(SimulatedAgent.Settings.defaults()
                .withStepDelay(Duration.ofMillis(50)), scheduler, scheduler);
        Recorder events = new Recorder();
        CompletableFuture<AgentResult> outcome = agent.execute(request(List.of()), events).toCompletableFuture();
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofMillis(50));
        events.ended = true;
        events.onEnd.forEach(Runnable::run);
        assertThat(scheduler.pending()).isZero();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(outcome).isNotDone();
        assertThat(events.steps).isEmpty();
    }

    @Test
    void warmUpCompletesAfterItsDelay() {
        ManualScheduler scheduler = new ManualScheduler();
        SimulatedAgent agent = new SimulatedAgent(SimulatedAgent.Settings.defaults()
                .withWarmUp(Duration.ofMillis(100)), scheduler, scheduler);
        CompletableFuture<Void> warmUp = agent.warmUp().toCompletableFuture();
        scheduler.advance(Duration.ofMillis(99));
        assertThat(warmUp).isNotDone();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(warmUp).isCompleted();
    }
}
