package dev.switchboard.router.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.Router;
import dev.switchboard.router.support.HostileFrames;
import dev.switchboard.router.transport.InProcessPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the fuzzing pass of security issue #9 found in production code, each as the frame that
 * showed it: markup checks that backtracked quadratically, seconds of CPU per frame. Linear now,
 * they answer in about a millisecond; the budget is a thousand times that, so only the quadratic
 * kind of cost can fail it.
 */
class FuzzFindingsTest {
    /** Far above what a linear check costs, far below what the quadratic one did (2 to 5 s). */
    private static final Duration ANSWER_BUDGET = Duration.ofSeconds(1);

    private Router router;
    private final List<String> replies = new ArrayList<>();
    private InProcessPipeline pipeline;

    @BeforeEach
    void startRouter() {
        router = FuzzRouter.start();
        pipeline = router.inProcessPipeline(replies::add);
    }

    @AfterEach
    void stopRouter() {
        router.stop();
    }

    /** Found by the fuzzer: a long run of blanks after {@code <} cost ~5 s per 16 KB field, on an I/O thread. */
    @Test
    void validatesALongWhitespaceRunAfterALessThanSignQuickly() {
        String frame = "{\"type\":\"ping\",\"message_id\":\"p-1\",\"payload\":{\"note\":\"<"
                + " ".repeat(16_383) + "\"}}";

        Duration took = timed(frame);

        assertThat(replies).singleElement().asString().contains("\"type\":\"pong\"");
        assertThat(took).isLessThan(ANSWER_BUDGET);
    }

    /** Found by the fuzzer: a word full of {@code on} cost ~2 s per 16 KB of content, on a dispatch worker. */
    @Test
    void scoresContentFullOfOnQuickly() {
        String frame = "{\"type\":\"validate_content\",\"message_id\":\"v-1\",\"payload\":{\"content\":\""
                + "on".repeat(8_192) + "\"}}";

        Duration took = timed(frame);

        assertThat(replies).singleElement().asString().contains("\"type\":\"validation_result\"");
        assertThat(took).isLessThan(ANSWER_BUDGET);
    }

    /**
     * Found in review: Jackson's field-name table outlived a frame, so names whose hashes collide
     * were refused by what earlier frames had left in it, and a payload the fast decode passed
     * could fail when its tree was built, leaving the frame unanswered. Now each frame gets its own
     * answer, the same every time.
     */
    @Test
    void answersFramesOfCollidingNamesAlikeEveryTime() {
        for (int round = 0; round < 3; round++) {
            pipeline.accept("fuzz-user", "c-fuzz", HostileFrames.collidingNames("payload", 200));
            pipeline.accept("fuzz-user", "c-fuzz", HostileFrames.collidingNames("payload", 1_024));
        }

        assertThat(replies).hasSize(6);
        for (int i = 0; i < 6; i += 2) {
            assertThat(replies.get(i)).contains("\"type\":\"pong\"");
            assertThat(replies.get(i + 1)).contains("\"type\":\"error\"").contains("\"reply_to\":\"p-1\"");
        }
    }

    private Duration timed(String frame) {
        long start = System.nanoTime();
        pipeline.accept("fuzz-user", "c-fuzz", frame);
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
