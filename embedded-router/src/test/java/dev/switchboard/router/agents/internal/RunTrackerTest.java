package dev.switchboard.router.agents.internal;

import dev.switchboard.router.agents.AgentExecutor;
import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.AgentResult;
import dev.switchboard.router.agents.AgentRunEvents;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.agents.RunRejected;
import dev.switchboard.router.agents.RunStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.ManualClock;
import dev.switchboard.router.support.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunTrackerTest {

    /** Runs tasks on the calling thread. */
    static final class DirectExecutor extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** An executor whose runs the test drives by hand. */
    static final class ManualAgent implements AgentExecutor {
        final List<AgentRunEvents> runs = new ArrayList<>();
        final List<CompletableFuture<AgentResult>> outcomes = new ArrayList<>();

        @Override
        public String name() {
            return "manual";
        }

        @Override
        public CompletionStage<AgentResult> execute(AgentRequest request, AgentRunEvents events) {
            CompletableFuture<AgentResult> outcome = new CompletableFuture<>();
            runs.add(events);
            outcomes.add(outcome);
            return outcome;
        }
    }

    private final List<ServerEvent> emitted = Collections.synchronizedList(new ArrayList<>());
    private final ManualAgent agent = new ManualAgent();
    private final ManualClock clock = new ManualClock();
    private final ManualScheduler time = new ManualScheduler(clock);
    private RunTracker tracker;

    @BeforeEach
    void setUp() {
        tracker = tracker(agent, Duration.ofMillis(300), 2);
        tracker.warmUp().toCompletableFuture().join();
    }

    private RunTracker tracker(AgentExecutor executor, Duration timeout, int maxInFlight) {
        return new RunTracker(BackendPool.of(executor), (user, event) -> emitted.add(event), clock, time,
                new DirectExecutor(), time, timeout, maxInFlight);
    }

    private List<String> types() {
        List<String> types = new ArrayList<>();
        synchronized (emitted) {
            emitted.forEach(event -> types.add(event.type()));
        }
        return types;
    }

    private AgentRun startRun() {
        return tracker.begin("alice", "c-1", null, null, "hello", List.of(), run -> emitted.add(ServerEvent.of("ack")));
    }

    @Test
    void completesExactlyOnceAndIgnoresEventsAfterTheEnd() {
        AgentRun run = startRun();
        AgentRunEvents events = agent.runs.get(0);
        events.thinking("hmm");
        events.toolCompleted("never_started", "x", 1);
        events.toolExecuting("search", Map.of());
        events.toolCompleted("search", "found", 3);
        agent.outcomes.get(0).complete(new AgentResult("done"));
        agent.outcomes.get(0).complete(new AgentResult("again"));
        events.thinking("too late");
        assertThat(tracker.stop(run.runId(), "alice")).isFalse();

        assertThat(types()).containsExactly("ack", "agent_started", "agent_thinking", "tool_executing",
                "tool_completed", "agent_completed");
        List<Object> seqs = new ArrayList<>();
        emitted.subList(1, emitted.size()).forEach(event -> seqs.add(event.get("seq")));
        assertThat(seqs).containsExactly(1, 2, 3, 4, 5);
        assertThat(tracker.endedCount(RunStatus.COMPLETED)).isEqualTo(1);
        assertThat(tracker.inFlightCount()).isZero();
    }

    @Test
    void aThrowingRunListenerNeitherStopsTheOthersNorTheUsersAgentCompleted() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RunListener broken = new RunListener() {
            @Override
            public void started(RunInfo run) {
                throw new IllegalStateException("observer bug on start");
            }

            @Override
            public void ended(RunInfo run) {
                throw new IllegalStateException("observer bug on end");
            }
        };
        tracker.addListener(broken);
        tracker.addListener(new RunListener() {
            @Override
            public void started(RunInfo run) {
                heard.add("started");
            }

            @Override
            public void ended(RunInfo run) {
                heard.add("ended");
            }
        });

        startRun();
        AgentRunEvents events = agent.runs.get(0);
        events.toolExecuting("search", Map.of());
        events.toolCompleted("search", "found", 3);
        agent.outcomes.get(0).complete(new AgentResult("done"));

        assertThat(types()).containsExactly("ack", "agent_started", "tool_executing", "tool_completed",
                "agent_completed");
        assertThat(heard).containsExactly("started", "ended");
        assertThat(tracker.inFlightCount()).isZero();
    }

    @Test
    void anExecutorThatNeverAnswersIsEndedByTheTimeout() {
        startRun();
        time.advance(Duration.ofMillis(299));
        assertThat(types()).doesNotContain("agent_completed");
        time.advance(Duration.ofMillis(1));
        assertThat(types()).containsExactly("ack", "agent_started", "agent_completed");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) emitted.get(emitted.size() - 1).get("data");
        assertThat(data).containsEntry("status", "failed").containsEntry("error", "timeout");
        assertThat(tracker.inFlightCount()).isZero();
    }

    @Test
    void aRunThatEndsInTimeCancelsItsTimeout() {
        startRun();
        assertThat(time.pending()).isEqualTo(1);
        agent.outcomes.get(0).complete(new AgentResult("done"));
        assertThat(time.pending()).isZero();
        time.advance(Duration.ofSeconds(1));
        assertThat(types()).containsExactly("ack", "agent_started", "agent_completed");
        assertThat(tracker.endedCount(RunStatus.COMPLETED)).isEqualTo(1);
        assertThat(tracker.endedCount(RunStatus.FAILED)).isZero();
    }

    @Test
    void theRunsDurationAndTheBackendsLatencyAreTheTimeThatPassed() {
        List<RunInfo> ended = new ArrayList<>();
        tracker.addListener(new RunListener() {
            @Override
            public void started(RunInfo run) {
            }

            @Override
            public void ended(RunInfo run) {
                ended.add(run);
            }
        });
        startRun();
        time.advance(Duration.ofMillis(120));
        agent.outcomes.get(0).complete(new AgentResult("done"));
        assertThat(ended).singleElement().satisfies(run -> assertThat(run.durationMs()).isEqualTo(120));
        assertThat(tracker.pool().backends().get(0).averageLatencyMs()).isEqualTo(120.0);
    }

    @Test
    void aThrowingExecutorFailsTheRun() {
        RunTracker throwing = tracker(new AgentExecutor() {
            @Override
            public String name() {
                return "throwing";
            }

            @Override
            public CompletionStage<AgentResult> execute(AgentRequest request, AgentRunEvents events) {
                throw new IllegalStateException("bug");
            }
        }, Duration.ofSeconds(5), 5);
        throwing.warmUp().toCompletableFuture().join();
        throwing.begin("alice", "c-1", null, null, "x", List.of(), run -> { });
        assertThat(types()).containsExactly("agent_started", "agent_completed");
    }

    @Test
    void onlyTheOwnerCanStopARunAndCancellingEndsItOnce() {
        AgentRun run = startRun();
        assertThat(tracker.stop(run.runId(), "mallory")).isFalse();
        assertThat(tracker.stop(run.runId(), "alice")).isTrue();
        agent.outcomes.get(0).complete(new AgentResult("late"));
        assertThat(types()).containsExactly("ack", "agent_started", "agent_completed");
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void refusesRunsPastTheInFlightLimitAndBeforeWarmUp() {
        startRun();
        startRun();
        assertThatThrownBy(this::startRun).isInstanceOf(RunRejected.class)
                .satisfies(e -> assertThat(((RunRejected) e).code()).isEqualTo(ErrorCode.OVERLOADED));
        RunTracker cold = tracker(agent, Duration.ofSeconds(1), 5);
        assertThatThrownBy(() -> cold.begin("alice", "c", null, null, "x", List.of(), run -> { }))
                .satisfies(e -> assertThat(((RunRejected) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void theAcknowledgementPrecedesEveryEventEvenWhenShutdownRacesTheStart() {
        tracker.begin("alice", "c-1", null, null, "x", List.of(), run -> {
            Thread racer = new Thread(() -> tracker.shutdown("router shutting down"));
            racer.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> racer.getState() == Thread.State.BLOCKED);
            emitted.add(ServerEvent.of("ack"));
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> types().contains("agent_completed"));
        assertThat(types()).containsExactly("ack", "agent_started", "agent_completed");
        assertThatThrownBy(this::startRun).satisfies(e -> assertThat(((RunRejected) e).code())
                .isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void cancelsTheRunsOfAClosedConnectionOnly() {
        AgentRun mine = tracker.begin("alice", "c-1", null, null, "x", List.of(), run -> { });
        AgentRun other = tracker.begin("alice", "c-2", null, null, "y", List.of(), run -> { });
        assertThat(tracker.cancelConnection("c-1")).isEqualTo(1);
        assertThat(mine.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(other.status()).isEqualTo(RunStatus.RUNNING);
    }
}
