package dev.switchboard.router.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.connections.CloseCodes;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes a started router through real sockets (the JDK's WebSocket client, dev auth): every frame
 * gets the answer {@link ExpectedAnswer} allows and the connection stays open, except a frame over
 * the hard limit, which closes it with 1009.
 *
 * <p>Each frame is followed by a {@code ping}; its {@code pong} marks the end of the frame's direct
 * replies. That holds because the fuzzing router puts every message in one priority class (no
 * classification rules): a user's messages are then handled one at a time in arrival order, and
 * refusals before the queue are answered before the next frame is read.
 */
class SocketFuzzTest {
    private static Router router;
    private static WsClient client;
    private static ExpectedAnswer expected;
    private static int sentinels;

    @BeforeContainer
    static void connect() {
        router = FuzzRouter.start(config -> config.classification(List.of()));
        client = WsClient.connect(router.clientUri(), "fuzzer");
        expected = new ExpectedAnswer(router.config().softFrameLimit());
    }

    @AfterContainer
    static void disconnect() {
        client.close();
        router.stop();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(routerThreads()).isEmpty());
    }

    @Property(tries = 40)
    void wellFormedMessagesAreAnsweredAndTheConnectionStaysOpen(@ForAll("wellFormed") Frame frame) {
        List<String> answers = exchange(frame.text());

        assertThat(expected.problems(frame.text(), answers)).as("%s answered %s", frame, answers).isEmpty();
        // the one error a valid message may get: stopping a run that nobody started
        assertThat(ExpectedAnswer.errorCodes(answers)).as("%s answered %s", frame, answers).isSubsetOf("not_found");
        assertThat(client.isClosed()).isFalse();
    }

    @Property(tries = 60)
    void malformedFramesAreAnsweredAndTheConnectionStaysOpen(@ForAll("malformed") Frame frame) {
        String text = wellFormedUtf16(frame.text());

        List<String> answers = exchange(text);

        assertThat(expected.problems(text, answers)).as("%s answered %s", frame, answers).isEmpty();
        assertThat(client.isClosed()).isFalse();
    }

    @Example
    void aFrameOfExactlyTheHardLimitIsRefusedTooLargeAndTheConnectionStaysOpen() {
        int limit = router.config().hardFrameLimit();
        try (WsClient own = WsClient.connect(router.clientUri(), "at-hard-limit")) {
            own.send(SizedFrames.ofSize(limit, SizedFrames.Filler.THREE_BYTES, SizedFrames.Shape.PING_WITH_PAD));

            JsonNode error = own.awaitType("error");
            assertThat(error.path("code").asText()).isEqualTo("too_large");
            own.assertUsable();
        }
    }

    @Example
    void aFrameOverTheHardLimitClosesTheConnectionWith1009() {
        int limit = router.config().hardFrameLimit();
        try (WsClient own = WsClient.connect(router.clientUri(), "over-hard-limit")) {
            own.send(SizedFrames.ofSize(limit + 1, SizedFrames.Filler.THREE_BYTES, SizedFrames.Shape.PING_WITH_PAD));

            assertThat(own.awaitClose()).isEqualTo(CloseCodes.TOO_BIG);
        }
    }

    /** Sends a frame, then a ping, and returns the direct replies that came before the pong. */
    private static List<String> exchange(String frame) {
        int mark = client.seen().size();
        String sentinel = "sentinel-" + ++sentinels;
        client.send(frame);
        client.send("{\"type\":\"ping\",\"message_id\":\"" + sentinel + "\"}");
        List<JsonNode> since = await().atMost(WsClient.WAIT).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(2)).until(() -> {
            List<JsonNode> seen = client.seen();
            return seen.subList(mark, seen.size());
        }, seen -> seen.stream().anyMatch(reply -> sentinel.equals(reply.path("reply_to").asText(null))));
        List<String> answers = new ArrayList<>();
        for (JsonNode reply : since) {
            if (sentinel.equals(reply.path("reply_to").asText(null))) {
                break;
            }
            if (!ExpectedAnswer.PUSHED_EVENTS.contains(reply.path("type").asText())) {
                answers.add(reply.toString());
            }
        }
        return answers;
    }

    /**
     * The frame with each unpaired surrogate replaced by U+FFFD: a text frame is UTF-8, and the
     * client refuses to encode what has no UTF-8 form (the in-process fuzzing sends them as they are).
     */
    private static String wellFormedUtf16(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static List<String> routerThreads() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (thread.isAlive() && (name.startsWith("switchboard-") || name.startsWith("WebSocketWorker-")
                    || name.startsWith("WebSocketSelector-"))) {
                names.add(name);
            }
        }
        return names;
    }

    @Provide
    Arbitrary<Frame> wellFormed() {
        return Frames.wellFormed();
    }

    @Provide
    Arbitrary<Frame> malformed() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Frames.mutated()),
                Tuple.of(3, Frames.randomText()),
                Tuple.of(1, Frames.aroundSoftLimit(router.config().softFrameLimit())));
    }
}
