package dev.switchboard.console.ui.why;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.monitor.wire.TraceStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * Why a message got its answer, for any view that names one (a live-log line, a run, an error): asks
 * the router (the monitor's {@code trace}) when the console is attached to one, else answers from
 * the traces the router sent as {@code message_trace} events (a saved session keeps them). The
 * answer is the trace itself, for the Why pane to draw, and the same as text. No scene graph.
 */
public final class WhyViewModel implements MonitorBatch.Listener {
    /** Traces heard ({@code message_trace}) kept for answering without a router. */
    public static final int TRACES_HEARD = 2_000;

    /**
     * What to explain: a user's message, or the run a message of theirs started.
     *
     * @param what how the answer names it ("alice's message m-1", "alice's run run-3")
     */
    public record Question(String userId, String messageId, String runId, String what) {

        /** Why {@code userId}'s message {@code messageId} got its answer. */
        public static Question message(String userId, String messageId) {
            return new Question(userId, messageId, null, userId + "'s message " + messageId);
        }

        /** Why {@code userId}'s run {@code runId} went where it went. */
        public static Question run(String userId, String runId) {
            return new Question(userId, null, runId, userId + "'s run " + runId);
        }

        /** The monitor command that asks it. */
        ObjectNode command() {
            ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "trace").put("user_id", userId);
            return messageId != null ? command.put("trace_message_id", messageId) : command.put("run_id", runId);
        }

        String key() {
            return userId + "\n" + (messageId != null ? "m:" + messageId : "r:" + runId);
        }
    }

    /**
     * An answer.
     *
     * @param question what was asked
     * @param trace    the newest trace of it, or null when there is none (or the router refused)
     * @param text     the answer in words, step by step (what the live log shows and Copy copies)
     */
    public record Answer(Question question, TraceRecord trace, String text) {
    }

    private final ConsoleFeed feed;
    private final Executor uiThread;
    private final ReadOnlyObjectWrapper<Answer> answer = new ReadOnlyObjectWrapper<>(this, "answer");
    private final ReadOnlyBooleanWrapper showing = new ReadOnlyBooleanWrapper(this, "showing");
    /** The last {@link #TRACES_HEARD} traces heard, by user and message id or run id (FX thread only). */
    private final Map<String, TraceRecord> heard = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TraceRecord> eldest) {
            return size() > TRACES_HEARD;
        }
    };

    /**
     * @param feed     where {@code trace} goes, or null for none (tests, a saved session)
     * @param uiThread runs the router's answer on the FX thread
     */
    public WhyViewModel(ConsoleFeed feed, Executor uiThread) {
        this.feed = feed;
        this.uiThread = uiThread;
    }

    /** The cluster nodes heard from (none for a router alone): a message's trace is on the node it came to. */
    private final java.util.Set<String> nodes = new java.util.LinkedHashSet<>();

    @Override
    public void apply(MonitorBatch batch) {
        for (dev.switchboard.console.feed.NodeFrame tagged : batch.nodeFrames()) {
            if (tagged.nodeId() != null && nodes.size() < 64) {
                nodes.add(tagged.nodeId());
            }
            MonitorFrame frame = tagged.frame();
            if (frame instanceof MonitorUpdate update) {
                for (MonitorEvent event : update.events()) {
                    if (event instanceof MonitorEvent.MessageTraced traced && traced.trace() != null) {
                        hear(traced.trace());
                    }
                }
            }
        }
    }

    private void hear(TraceRecord trace) {
        if (trace.userId() == null) {
            return;
        }
        if (trace.messageId() != null) {
            heard.put(Question.message(trace.userId(), trace.messageId()).key(), trace);
        }
        if (trace.runId() != null) {
            heard.put(Question.run(trace.userId(), trace.runId()).key(), trace);
        }
    }

    private boolean live() {
        return feed != null && feed.live();
    }

    /** Whether {@code question} can be answered: a router to ask, or its trace heard. */
    public boolean canAsk(Question question) {
        return question != null && (live() || heard.containsKey(question.key()));
    }

    /**
     * Asks; the answer also becomes {@link #answerProperty()} and the pane shows. Completes on the
     * UI thread.
     */
    public CompletionStage<Answer> ask(Question question) {
        if (!live()) {
            TraceRecord trace = heard.get(question.key());
            return CompletableFuture.completedFuture(show(new Answer(question, trace, trace == null
                    ? "No trace of " + question.what() + " was heard, and there is no router to ask."
                    : text(trace, question))));
        }
        show(new Answer(question, null, "asking the router why " + question.what() + " went where it went…"));
        CompletableFuture<Answer> done = new CompletableFuture<>();
        ask(question.command()).whenComplete((reply, failure) -> uiThread.execute(() -> {
            Answer next = failure != null
                    ? new Answer(question, null, "the router did not answer: " + failure.getMessage())
                    : answer(reply, question);
            Answer current = answer.get();
            // a later question asked meanwhile keeps the pane
            done.complete(current == null || current.question().equals(question) ? show(next) : next);
        }));
        return done;
    }

    /**
     * The router's answer; in a cluster, every node's, the first that kept a trace (the trace is on the
     * node the message came to, which the console cannot always tell).
     */
    private CompletionStage<ObjectNode> ask(ObjectNode command) {
        List<String> asked = List.copyOf(nodes);
        if (asked.size() <= 1) {
            return feed.command(command);
        }
        List<CompletableFuture<ObjectNode>> replies = new ArrayList<>();
        for (String node : asked) {
            replies.add(feed.command(node, command).toCompletableFuture()
                    .exceptionally(failure -> null)); // a node down: the others may have it
        }
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).thenApply(all -> {
            ObjectNode empty = null;
            for (CompletableFuture<ObjectNode> reply : replies) {
                ObjectNode answer = reply.join();
                if (answer != null && answer.path("result").path("traces").size() > 0) {
                    return answer;
                }
                empty = empty != null || answer == null ? empty : answer;
            }
            if (empty == null) {
                throw new IllegalStateException("no node of the cluster answered");
            }
            return empty;
        });
    }

    private Answer show(Answer next) {
        answer.set(next);
        showing.set(true);
        return next;
    }

    /** Hides the pane (its last answer stays until the next question). */
    public void close() {
        showing.set(false);
    }

    public ReadOnlyObjectProperty<Answer> answerProperty() {
        return answer.getReadOnlyProperty();
    }

    /** Whether the Why pane is shown. */
    public ReadOnlyBooleanProperty showingProperty() {
        return showing.getReadOnlyProperty();
    }

    /** The router's answer to {@code trace}. */
    static Answer answer(JsonNode reply, Question question) {
        if (reply.path("type").asText().equals("error")) {
            return new Answer(question, null, "the router refused: " + reply.path("code").asText() + " ("
                    + reply.path("message").asText() + ")");
        }
        List<TraceRecord> traces = dev.switchboard.console.feed.MonitorFrames.traces(reply);
        if (traces.isEmpty()) {
            return new Answer(question, null, "No trace of " + question.what() + ": the router traces a share of the"
                    + " messages (trace.sample in its router.yaml; by default all of them with dev auth, 1 in 100"
                    + " otherwise), at most trace.per_second of them a second (200 by default), and keeps the last"
                    + " trace.ring of them (10,000 by default). To see the next ones,"
                    + " an operator can trace every message of " + question.userId() + " for a while: Trace user in"
                    + " Connections (the monitor command trace_user). In a cluster, the trace is on the node the"
                    + " message came to.");
        }
        TraceRecord trace = traces.get(0);
        String text = text(trace, question);
        if (traces.size() > 1) {
            text += String.format(Locale.ROOT, "%n(%d traces kept for it; the newest is shown)%n", traces.size());
        }
        return new Answer(question, trace, text);
    }

    /** A trace as lines a reader follows step by step. */
    static String text(TraceRecord trace, Question question) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "Why %s (%s) got its answer: %.3f ms in"
                + " the router, from its frame (%d characters) to its last step%s%n%n", question.what(), trace.type(),
                trace.totalMs(), trace.frameBytes(), trace.done() ? "" : " so far (it is still under way: ask again)"));
        for (TraceStep step : trace.steps()) {
            text.append(String.format(Locale.ROOT, "%+10.3f ms  %-11s %9.3f ms  %s%n", step.atMs(), step.step(),
                    step.ms(), detail(step)));
        }
        return text.toString();
    }

    /** A step's detail in one line: "validation passed · classification {rule 3, priority normal}". */
    public static String detail(TraceStep step) {
        return step.detail() == null ? "" : fields(step.detail());
    }

    private static String fields(Map<?, ?> detail) {
        List<String> parts = new ArrayList<>();
        detail.forEach((key, value) -> {
            if (value != null) { // "requested null" says nothing a reader needs
                parts.add(String.valueOf(key).replace('_', ' ') + " " + value(value));
            }
        });
        return String.join(" · ", parts);
    }

    /** A detail's value: text as it is, an object as {…}, a list (a backend's candidates) as […]. */
    private static String value(Object value) {
        if (value instanceof List<?> list) {
            List<String> elements = new ArrayList<>();
            list.forEach(element -> elements.add(value(element)));
            return "[" + String.join(", ", elements) + "]";
        }
        return value instanceof Map<?, ?> map ? "{" + fields(map).replace(" · ", ", ") + "}" : String.valueOf(value);
    }
}
