package dev.switchboard.console.ui.log;

import static dev.switchboard.console.ui.Frames.batch;
import static dev.switchboard.console.ui.Frames.error;
import static dev.switchboard.console.ui.Frames.runEvent;
import static dev.switchboard.console.ui.Frames.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.LogRow;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The live log's view model, fed by hand, without a window. */
class LogViewModelTest {
    private static final String MESSAGE = "{'kind':'message','at':'2026-01-01T00:00:00Z','direction':'in',"
            + "'user_id':'bob','connection_id':'c-1','type':'ping','message_id':'m-1','thread_id':null,"
            + "'priority':'critical','label':'liveness'}";

    @Test
    void showsMessagesInAndEventsOutOldestFirstAndBounded() {
        LogViewModel model = new LogViewModel(new ConsoleState.Limits(10, 10, 10, 5_000, 3));
        model.apply(batch(0, update(MESSAGE + "," + runEvent("agent_started", 1, "") + ","
                + "{'kind':'breaker','at':'2026-01-01T00:00:00Z','breaker':'b','from':'closed','to':'open'},"
                + error("carol", "unknown_type"))));
        assertThat(model.lines()).extracting(LogRow::type).containsExactly("ping", "agent_started", "error");
        assertThat(model.lines()).extracting(LogRow::detail)
                .containsExactly("critical/liveness m-1", "run-1 #1", "unknown_type for x");
        model.apply(batch(0, update(MESSAGE)));
        assertThat(model.lines()).extracting(LogRow::type).containsExactly("agent_started", "error", "ping");
    }

    @Test
    void filtersByUserTypeAndDirectionAndFreezesWhilePaused() {
        LogViewModel model = new LogViewModel(ConsoleState.Limits.defaults());
        model.apply(batch(0, update(MESSAGE + "," + runEvent("agent_started", 1, ""))));
        model.directionProperty().set("in");
        assertThat(model.shownProperty().get()).extracting(LogRow::userId).containsExactly("bob");
        model.directionProperty().set("both");
        model.typeFilterProperty().set("agent");
        assertThat(model.shownProperty().get()).extracting(LogRow::userId).containsExactly("alice");
        model.typeFilterProperty().set("");
        model.userFilterProperty().set("ali");
        assertThat(model.shownProperty().get()).hasSize(1);
        model.userFilterProperty().set("");

        model.pausedProperty().set(true);
        assertThat(model.pauseTextProperty().get()).isEqualTo("Resume");
        model.apply(batch(0, update(MESSAGE)));
        assertThat(model.shownProperty().get()).hasSize(2);
        model.pausedProperty().set(false);
        assertThat(model.pauseTextProperty().get()).isEqualTo("Pause");
        assertThat(model.shownProperty().get()).hasSize(3);
    }

    private static String connection(String kind, String id, String close) {
        return "{'kind':'" + kind + "','at':'2026-01-01T00:00:00Z','connection':{'connection_id':'" + id + "',"
                + "'user_id':'bob','remote_address':'127.0.0.1:5000','thread_id':null,"
                + "'connected_at':'2026-01-01T00:00:00Z','last_activity':'2026-01-01T00:00:00Z','messages_in':1,"
                + "'messages_out':2}" + close + "}";
    }

    private static String reply(String type, String replyTo) {
        return "{'kind':'reply','at':'2026-01-01T00:00:00Z','direction':'out','user_id':'bob','connection_id':'c-1',"
                + "'type':'" + type + "','reply_to':" + (replyTo == null ? "null" : "'" + replyTo + "'") + "}";
    }

    @Test
    void everyFrameOutAndEveryConnectionShowsWithHowItClosed() {
        LogViewModel model = new LogViewModel(ConsoleState.Limits.defaults());
        model.apply(batch(0, update(String.join(",", connection("connection_opened", "c-1", ""),
                reply("connection_established", null), MESSAGE, reply("pong", "m-1"),
                connection("connection_closed", "c-1",
                        ",'close_code':1013,'close_reason':'outbox full','closed_by':'router'"),
                connection("connection_closed", "c-2", ",'close_code':1006,'close_reason':'','closed_by':'network'"),
                connection("connection_closed", "c-3", ",'close_code':4001,'close_reason':'bye','closed_by':'client'"),
                connection("connection_closed", "c-4", ""), "{'kind':'error','at':'2026-01-01T00:00:00Z',"
                        + "'user_id':'bob','connection_id':'c-1','type':'invalid','code':'invalid_json',"
                        + "'message':'frame is not valid JSON'}"))));
        assertThat(model.lines()).extracting(LogRow::type).containsExactly("connection_opened",
                "connection_established", "ping", "pong", "connection_closed", "connection_closed",
                "connection_closed", "connection_closed", "error");
        assertThat(model.lines()).extracting(LogRow::direction).containsExactly("", "out", "in", "out", "", "", "",
                "", "out");
        assertThat(model.lines()).extracting(LogRow::detail).containsExactly("c-1 from 127.0.0.1:5000", "on c-1",
                "critical/liveness m-1", "reply to m-1", "c-1 1013 try again later, closed by the router: outbox full",
                "c-2 1006 abnormal, the socket broke with no close frame",
                "c-3 4001 application, closed by the client: bye", "c-4",
                "invalid_json: frame is not valid JSON (refused before routing)");
    }

    @Test
    void whyAsksTheRouterForTheSelectedMessagesTraceAndShowsItStepByStep() throws Exception {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             WsClient alice = WsClient.connect(feed.router().clientUri(), "alice")) {
            alice.send(java.util.Map.of("type", "ping", "message_id", "p-1"));
            alice.awaitReply("p-1");
            dev.switchboard.console.ui.why.WhyViewModel why = new dev.switchboard.console.ui.why.WhyViewModel(feed,
                    Runnable::run);
            LogViewModel model = new LogViewModel(ConsoleState.Limits.defaults(), why);
            model.selectedProperty().set(messageIn("p-1"));
            assertThat(model.whyableProperty().get()).isTrue();

            // asked until the message is done: its handler's step comes after the pong alice saw (each
            // question waits for its answer: the pane says "asking…" until the router's arrives)
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> model.why().toCompletableFuture()
                    .get(5, java.util.concurrent.TimeUnit.SECONDS).text().contains("breaker closed"));
            assertThat(model.detailsProperty().get()).as("the event stays shown").contains("\"message_id\" : \"p-1\"");
            assertThat(why.answerProperty().get().text()).startsWith("Why alice's message p-1 (ping)")
                    .contains("decode", "protection", "priority critical", "handler", "reply", "type pong")
                    .doesNotContain("still under way");

            model.selectedProperty().set(messageIn("p-404"));
            assertThat(model.why().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS).text())
                    .startsWith("No trace of alice's message p-404");

            LogRow breaker = new LogRow(Instant.now(), "", "", "breaker", "", null);
            model.selectedProperty().set(breaker);
            assertThat(model.whyableProperty().get()).isFalse();
        }
    }

    @Test
    void withoutARouterToAskWhyAnswersFromTheTracesTheRouterSent() {
        // a saved session's replay: no router, but the message_trace events it recorded
        dev.switchboard.console.ui.why.WhyViewModel why = new dev.switchboard.console.ui.why.WhyViewModel(null,
                Runnable::run);
        LogViewModel model = new LogViewModel(ConsoleState.Limits.defaults(), why);
        var traced = batch(0, update(MESSAGE.replace("'bob'", "'alice'").replace("'m-1'", "'p-7'") + ","
                + "{'kind':'message_trace','at':'2026-01-01T00:00:00Z','trace':{'at':'2026-01-01T00:00:00Z',"
                + "'user_id':'alice','connection_id':'c-1','message_id':'p-7','type':'ping','run_id':null,"
                + "'frame_bytes':40,'total_ms':0.5,'done':true,'dropped_steps':0,'steps':["
                + "{'step':'decode','at_ms':0.001,'ms':0.02,'detail':{'verdict':'ok'}},"
                + "{'step':'backend','at_ms':0.3,'ms':0.01,'detail':{'candidates':[{'name':'a','in_flight':0},"
                + "{'name':'b','in_flight':2}]}}]}}"));
        model.apply(traced);
        why.apply(traced);
        assertThat(why.answerProperty().get()).isNull();
        assertThat(model.lines()).extracting(LogRow::type).containsExactly("ping"); // a trace is no line of its own
        model.selectedProperty().set(model.lines().get(0));
        assertThat(model.whyableProperty().get()).isTrue();
        model.why();
        assertThat(why.answerProperty().get().text()).startsWith("Why alice's message p-7 (ping)")
                .contains("verdict ok").contains("candidates [{name a, in flight 0}, {name b, in flight 2}]");
        assertThat(why.showingProperty().get()).as("the Why pane shows the same answer").isTrue();
        assertThat(why.answerProperty().get().trace().steps()).extracting(step -> step.step())
                .containsExactly("decode", "backend");

        model.selectedProperty().set(messageIn("p-8"));
        assertThat(model.whyableProperty().get()).as("no trace heard, no router to ask").isFalse();
    }

    private static LogRow messageIn(String messageId) {
        return LogViewModel.line(new MonitorEvent.MessageIn(Instant.now(), "in", "alice", "c-1", "ping", messageId,
                null, "critical", "liveness"));
    }

    @Test
    void trafficTheRouterCountedShowsAsOneLineWithTheCountsBiggestFirst() {
        LogViewModel model = new LogViewModel(ConsoleState.Limits.defaults());
        model.apply(batch(0, update("{'kind':'coalesced','at':'2026-01-01T00:00:00Z','events':1300,"
                + "'by_type':{'ping':100,'user_message':1200}}")));
        assertThat(model.lines()).singleElement().satisfies(line -> {
            assertThat(line.type()).isEqualTo("(not listed)");
            assertThat(line.detail()).isEqualTo("1,300 more messages and events in these 100 ms, counted by the router:"
                    + " user_message 1200, ping 100");
        });
    }

    @Test
    void aSelectedLineShowsItsEventWholeAsJson() {
        LogViewModel model = new LogViewModel(ConsoleState.Limits.defaults());
        model.apply(batch(0, update(MESSAGE + "," + runEvent("tool_completed", 4, "'tool':'search','duration_ms':12"))));
        assertThat(model.detailsProperty().get()).isEmpty();
        model.selectedProperty().set(model.lines().get(1));
        assertThat(model.detailsProperty().get()).contains("\"kind\" : \"run_event\"").contains("\"seq\" : 4")
                .contains("\"tool\" : \"search\"").contains("\"duration_ms\" : 12").contains("\n");
        model.selectedProperty().set(null);
        assertThat(model.detailsProperty().get()).isEmpty();
    }
}
