package dev.switchboard.router.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.RouterInternals;
import dev.switchboard.router.transport.InProcessPipeline;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the router's whole inbound path in-process ({@link Router#inProcessPipeline}: soft size
 * limit, decode, validation, classification, rate limits, queue, handler, encode): every frame is
 * answered as {@link ExpectedAnswer} says a client may expect, and nothing escapes the pipeline.
 * The router is started so that agent runs start (each is cancelled at once: the in-process
 * connection is not open).
 */
class InProcessPipelineFuzzTest implements FuzzRun.Tallied {
    private static final String USER = "fuzz-user";
    private static final String CONNECTION = "c-fuzz";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A frame costs well under a millisecond; a second means a pathological path (see FuzzFindingsTest). */
    private static final long FRAME_BUDGET_NANOS = 1_000_000_000L;

    private static Router router;
    private static List<String> replies;
    private static InProcessPipeline pipeline;
    private static ExpectedAnswer expected;

    private final FuzzTally tally = new FuzzTally();

    @BeforeContainer
    static void startRouter() {
        router = FuzzRouter.start();
        replies = new ArrayList<>();
        pipeline = router.inProcessPipeline(replies::add);
        expected = new ExpectedAnswer(router.config().softFrameLimit());
    }

    @AfterContainer
    static void stopRouter() {
        router.stop();
    }

    @Override
    public FuzzTally tally() {
        return tally;
    }

    @Property(tries = 1_500)
    void wellFormedMessagesOfEveryTypeGetTheirDocumentedReply(@ForAll("wellFormed") Frame frame) {
        List<String> answers = run(frame);

        assertThat(expected.problems(frame.text(), answers)).as("%s answered %s", frame, answers).isEmpty();
        // the one error a valid message may get: stopping a run that nobody started
        assertThat(ExpectedAnswer.errorCodes(answers)).as("%s answered %s", frame, answers).isSubsetOf("not_found");
    }

    @Property(tries = 3_000)
    void mutatedMessagesGetTheirReplyOrADocumentedError(@ForAll("mutated") Frame frame) {
        List<String> answers = run(frame);

        assertThat(expected.problems(frame.text(), answers)).as("%s answered %s", frame, answers).isEmpty();
    }

    @Property(tries = 1_000)
    void randomTextGetsADocumentedError(@ForAll("randomText") Frame frame) {
        List<String> answers = run(frame);

        assertThat(expected.problems(frame.text(), answers)).as("%s answered %s", frame, answers).isEmpty();
    }

    @Property(generation = GenerationMode.EXHAUSTIVE)
    void framesUpToTheSoftLimitAreServedAndLargerOnesGetTooLarge(
            @ForAll @IntRange(min = -2, max = 2) int delta, @ForAll SizedFrames.Filler filler,
            @ForAll SizedFrames.Shape shape) throws Exception {
        int limit = router.config().softFrameLimit();
        String frame = SizedFrames.ofSize(limit + delta, filler, shape);

        List<String> answers = run(new Frame(frame, "size " + (limit + delta)));

        assertThat(answers).hasSize(1);
        JsonNode reply = JSON.readTree(answers.get(0));
        if (delta > 0) {
            assertThat(reply.path("type").asText()).isEqualTo("error");
            assertThat(reply.path("code").asText()).isEqualTo("too_large");
        } else if (shape == SizedFrames.Shape.JSON_RPC_PING) {
            assertThat(reply.path("id").asInt()).isEqualTo(limit + delta);
            assertThat(reply.path("result").path("type").asText()).isEqualTo("pong");
        } else {
            assertThat(reply.path("reply_to").asText()).isEqualTo("size-" + (limit + delta));
            assertThat(reply.path("type").asText()).isIn("pong", "validation_result");
        }
    }

    /**
     * Every family at once; {@code -Dfuzz.tries} turns it into the long run, which also checks that
     * the heap stays bounded and that the router holds no state per frame.
     */
    @Property(tries = 2_000)
    @AddLifecycleHook(FuzzRun.class)
    void anyFrameGetsTheAnswerAClientExpects(@ForAll("anyFrame") Frame frame) {
        List<String> answers = run(frame);

        assertThat(expected.problems(frame.text(), answers)).as("%s answered %s", frame, answers).isEmpty();
        if (tally.frames() % 10_000 == 0) {
            assertThat(router.runsInFlight()).as("runs left in flight").hasSizeLessThan(100);
            assertThat(RouterInternals.protection(router).rateLimitedUsers()).isLessThanOrEqualTo(1);
        }
    }

    /**
     * Runs one frame through the pipeline and returns what it sent back; fails when something
     * escapes the pipeline or the frame takes longer than {@link #FRAME_BUDGET_NANOS}.
     */
    private List<String> run(Frame frame) {
        replies.clear();
        long took;
        try {
            long start = System.nanoTime();
            pipeline.accept(USER, CONNECTION, frame.text());
            took = System.nanoTime() - start;
        } catch (RuntimeException | Error e) {
            tally.uncaught();
            throw new AssertionError("the pipeline threw for " + frame, e);
        } finally {
            tally.frameRun();
        }
        Statistics.label("answer").collect(outcome(replies));
        assertThat(took).as("nanoseconds to answer %s", frame).isLessThan(FRAME_BUDGET_NANOS);
        return List.copyOf(replies);
    }

    /** The first answer's type and error code, for the statistics jqwik prints after each property. */
    private static String outcome(List<String> answers) {
        if (answers.isEmpty()) {
            return "no reply";
        }
        try {
            JsonNode first = JSON.readTree(answers.get(0));
            if (first.has("jsonrpc")) {
                return first.has("error") ? "json-rpc error " + first.path("error").path("data").path("code").asText()
                        : "json-rpc result " + first.path("result").path("type").asText("null");
            }
            String type = first.path("type").asText();
            return type.equals("error") ? "error " + first.path("code").asText() : type;
        } catch (java.io.IOException e) {
            return "unreadable";
        }
    }

    @Provide
    Arbitrary<Frame> wellFormed() {
        return Frames.wellFormed();
    }

    @Provide
    Arbitrary<Frame> mutated() {
        return Frames.mutated();
    }

    @Provide
    Arbitrary<Frame> randomText() {
        return Frames.randomText();
    }

    /**
     * Generated as in a default run however many tries: jqwik's edge-case tables otherwise grow with
     * the number of tries (hundreds of MiB at a million) and would hide the router's heap.
     */
    @Provide
    Arbitrary<Frame> anyFrame() {
        return Frames.any(router.config().softFrameLimit()).fixGenSize(1_000);
    }
}
