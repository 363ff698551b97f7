package dev.switchboard.console.ui.runs;

import static dev.switchboard.console.ui.Frames.batch;
import static dev.switchboard.console.ui.Frames.runEvent;
import static dev.switchboard.console.ui.Frames.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.RunRow;
import dev.switchboard.console.state.TimelineEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent-runs view model, fed by hand, without a window. */
class RunsViewModelTest {
    private static final ConsoleState.Limits LIMITS = new ConsoleState.Limits(3, 10, 10, 5_000, 100);

    private static RunRow run(RunsViewModel model, String runId) {
        return model.runs().stream().filter(run -> run.runId().equals(runId)).findFirst().orElseThrow();
    }

    @Test
    void flagsRunsMissingEventsOutOfOrderOrStuck() {
        RunsViewModel model = new RunsViewModel(LIMITS);
        model.apply(batch(1_000_000,
                update(runEvent("agent_started", 1, "'agent':'a'") + ","
                        + runEvent("agent_completed", 2, "'status':'failed','error':'boom'")),
                update(runEvent("agent_started", 1, "").replace("run-1", "run-2") + ","
                        + runEvent("tool_completed", 2, "'tool':'x','duration_ms':3").replace("run-1", "run-2")),
                update(runEvent("agent_started", 1, "").replace("run-1", "run-3"))));
        Map<String, String> flags = new HashMap<>();
        model.runs().forEach(run -> flags.put(run.runId(), run.flagsProperty().get()));
        assertThat(flags.get("run-1")).isEqualTo("missing agent_thinking, tool_executing, tool_completed");
        assertThat(flags.get("run-2")).isEqualTo("out of order");
        assertThat(flags.get("run-3")).isEmpty();
        assertThat(run(model, "run-1").statusProperty().get()).isEqualTo("failed");

        model.apply(batch(1_006_000));
        assertThat(run(model, "run-3").flagsProperty().get()).isEqualTo("stuck");
    }

    private static String runStarted(String runId, String queued) {
        return "{'kind':'run_started','at':'2026-01-01T00:00:00.998Z','run':{'run_id':'" + runId + "',"
                + "'user_id':'alice','connection_id':'c-1','thread_id':'t-1','agent':'a','backend':'simulated',"
                + "'status':'running','started_at':'2026-01-01T00:00:00.998Z','duration_ms':0,'events':0,"
                + "'error':null" + queued + "}}";
    }

    @Test
    void aRunSaysHowLongItsMessageWaitedForTheAckAndTheBackendToStart() {
        RunsViewModel model = new RunsViewModel(LIMITS);
        model.apply(batch(0, update(runStarted("run-1", ",'queued_ms':0.42") + ","
                + runEvent("agent_started", 1, "") + "," + runStarted("run-9", "") + ","
                + runEvent("agent_started", 1, "").replace("run-1", "run-9"))));
        assertThat(run(model, "run-1").startPathProperty().get()).isEqualTo(
                "user_message → message_ack 0.42 ms (router queue and handler) → agent_started 2.00 ms later"
                        + " (backend start)");
        // a router from before queued_ms: what is known
        assertThat(run(model, "run-9").startPathProperty().get())
                .isEqualTo("message_ack → agent_started 2.00 ms later (backend start)");

        assertThat(model.selectedStartProperty().get()).isEmpty();
        model.selectedProperty().set(run(model, "run-1"));
        assertThat(model.selectedStartProperty().get()).startsWith("user_message → message_ack 0.42 ms");
        model.selectedProperty().set(null);
        assertThat(model.selectedStartProperty().get()).isEmpty();
    }

    @Test
    void saysHowManyRunsTheRouterCountedWithoutListingThem() {
        RunsViewModel model = new RunsViewModel(LIMITS);
        model.apply(batch(0, update("")));
        assertThat(model.countedNoteProperty().get()).isEmpty();
        String coalesced = "{'kind':'coalesced','at':'2026-01-01T00:00:00Z','events':1300,"
                + "'by_type':{'run_started':1200,'user_message':100}}";
        model.apply(batch(0, update(coalesced)));
        model.apply(batch(0, update(coalesced)));
        assertThat(model.countedNoteProperty().get())
                .isEqualTo("2,400 runs counted, not listed (the router's limit per update)");
    }

    @Test
    void keepsTheNewestRunsFirstAndBounded() {
        RunsViewModel model = new RunsViewModel(LIMITS);
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            events.append(i == 0 ? "" : ",").append(runEvent("agent_started", 1, "").replace("run-1", "run-" + i));
        }
        model.apply(batch(0, update(events.toString())));
        assertThat(model.runs()).extracting(RunRow::runId).containsExactly("run-4", "run-3", "run-2");
    }

    @Test
    void filtersByUserAndToFlaggedRunsAndShowsTheSelectedRunsTimeline() {
        RunsViewModel model = new RunsViewModel(LIMITS);
        model.apply(batch(0, update(runEvent("agent_started", 1, "'agent':'a','backend':'b'") + ","
                + runEvent("agent_completed", 2, "'status':'completed','result':'ok'") + ","
                + runEvent("agent_started", 1, "").replace("run-1", "run-2").replace("alice", "bob"))));
        model.userFilterProperty().set("bo");
        assertThat(model.shown()).extracting(RunRow::runId).containsExactly("run-2");
        model.userFilterProperty().set("");
        model.flaggedOnlyProperty().set(true);
        assertThat(model.shown()).extracting(RunRow::runId).containsExactly("run-1");

        assertThat(model.selectedSummaryProperty().get()).isEqualTo("select a run");
        model.selectedProperty().set(run(model, "run-1"));
        assertThat(model.selectedSummaryProperty().get()).isEqualTo("run-1 · alice · completed");
        assertThat(model.timelineProperty().get()).extracting(TimelineEvent::type)
                .containsExactly("agent_started", "agent_completed");
        assertThat(run(model, "run-1").backendProperty().get()).isEqualTo("b");
    }

    @Test
    void describesATimelineRowAndPlacesItsBarOnTheRunsScale() {
        TimelineEvent started = new TimelineEvent("agent_started", 1, 0, null, 0, null, null);
        TimelineEvent tool = new TimelineEvent("tool_completed", 2, 150, "search", 100, null, null);
        TimelineEvent done = new TimelineEvent("agent_completed", 3, 200, null, 0, "completed", "ok");
        List<TimelineEvent> run = List.of(started, tool, done);
        assertThat(RunsViewModel.describe(tool)).isEqualTo(" 2 tool_completed     150 ms search (100 ms)");
        assertThat(RunsViewModel.describe(done)).isEqualTo(" 3 agent_completed    200 ms completed");
        assertThat(RunsViewModel.bar(tool, run, 200)).isEqualTo(new RunsViewModel.Bar(50, 100));
        assertThat(RunsViewModel.bar(done, run, 200)).isEqualTo(new RunsViewModel.Bar(196, 4));
        assertThat(RunsViewModel.bar(started, run, 200)).isEqualTo(new RunsViewModel.Bar(0, 4));
    }

    @Test
    void aTimelineShowsTheBackendARetryAndWhyAnHttpRunFailed() {
        RunsViewModel model = new RunsViewModel(LIMITS);
        model.apply(batch(0, update(runEvent("agent_started", 1,
                "'agent':'research','backend':'fallback','retried_from':'research'") + ","
                + runEvent("agent_completed", 2, "'status':'failed','reason':'timeout'"))));
        model.selectedProperty().set(run(model, "run-1"));

        assertThat(run(model, "run-1").backendProperty().get()).isEqualTo("fallback");
        assertThat(model.timelineProperty().get()).extracting(RunsViewModel::describe).containsExactly(
                " 1 agent_started        0 ms on fallback, retried from research",
                " 2 agent_completed   1000 ms failed · timeout");
    }

    @Test
    void marksTheTimeAxisAtRoundStepsWithTheBarsScale() {
        TimelineEvent started = new TimelineEvent("agent_started", 1, 0, null, 0, null, null);
        TimelineEvent done = new TimelineEvent("agent_completed", 8, 1066, null, 0, "completed", null);
        List<RunsViewModel.Tick> ticks = RunsViewModel.axisTicks(List.of(started, done), 200);
        assertThat(ticks).extracting(RunsViewModel.Tick::label)
                .containsExactly("0 ms", "200 ms", "400 ms", "600 ms", "800 ms", "1000 ms");
        assertThat(ticks.get(5).x()).isCloseTo(1000 * 200.0 / 1066, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RunsViewModel.bar(done, List.of(started, done), 200).start()).isEqualTo(196.0);
        assertThat(RunsViewModel.axisTicks(List.of(new TimelineEvent("agent_started", 1, 0, null, 0, null, null)), 200))
                .extracting(RunsViewModel.Tick::label).containsExactly("0 ms", "1 ms");
        assertThat(RunsViewModel.axisTicks(List.of(started,
                new TimelineEvent("agent_completed", 2, 23, null, 0, "completed", null)), 200))
                .extracting(RunsViewModel.Tick::label).containsExactly("0 ms", "5 ms", "10 ms", "15 ms", "20 ms");
    }
}
