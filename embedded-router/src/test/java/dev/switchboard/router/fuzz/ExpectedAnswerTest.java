package dev.switchboard.router.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fuzzing oracle accepts the protocol's answers and catches wrong ones. */
class ExpectedAnswerTest {
    private static final String PING = "{\"type\":\"ping\",\"message_id\":\"p-1\"}";
    private static final String PONG =
            "{\"type\":\"pong\",\"server_time\":\"2026-11-23T11:23:40.114Z\",\"reply_to\":\"p-1\"}";
    private final ExpectedAnswer expected = new ExpectedAnswer(1024);

    @Test
    void acceptsTheDocumentedAnswers() {
        assertThat(expected.problems(PING, List.of(PONG))).isEmpty();
        assertThat(expected.problems("{not json", List.of(
                "{\"type\":\"error\",\"code\":\"invalid_json\",\"message\":\"frame is not valid JSON\"}"))).isEmpty();
        assertThat(expected.problems("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}", List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"type\":\"pong\",\"server_time\":\"t\"}}"))).isEmpty();
        assertThat(expected.problems("{\"type\":\"typing\",\"payload\":{\"state\":\"start\"}}", List.of())).isEmpty();
        assertThat(expected.problems("{\"type\":\"batch\",\"payload\":{\"messages\":[" + PING + ","
                + "{\"type\":\"heartbeat\"}]}}", List.of(PONG, "{\"type\":\"heartbeat_ack\",\"server_time\":\"t\"}")))
                .isEmpty();
        assertThat(expected.problems("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1024) + "\"}", List.of(
                "{\"type\":\"error\",\"code\":\"too_large\",\"message\":\"frame is over the limit\"}"))).isEmpty();
    }

    @Test
    void catchesHandlerFailed() {
        assertThat(expected.problems(PING, List.of("{\"type\":\"error\",\"code\":\"handler_failed\","
                + "\"message\":\"the handler failed\",\"reply_to\":\"p-1\"}"))).singleElement().asString()
                .startsWith("handler_failed");
    }

    @Test
    void catchesAMissingOrExtraReply() {
        assertThat(expected.problems(PING, List.of())).containsExactly("0 replies where 1 to 1 were due");
        assertThat(expected.problems(PING, List.of(PONG, PONG))).containsExactly("2 replies where 1 to 1 were due");
        assertThat(expected.problems("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}", List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{\"type\":\"pong\"}}"))).isNotEmpty();
    }

    @Test
    void catchesAReplyToAnotherMessageOrOfTheWrongType() {
        assertThat(expected.problems(PING, List.of(PONG.replace("p-1", "p-2")))).isNotEmpty();
        assertThat(expected.problems("{\"type\":\"ping\",\"message_id\":\"\"}", List.of(
                "{\"type\":\"pong\",\"server_time\":\"t\"}"))).isNotEmpty();
        assertThat(expected.problems(PING, List.of(
                "{\"type\":\"heartbeat_ack\",\"server_time\":\"t\",\"reply_to\":\"p-1\"}"))).isNotEmpty();
        assertThat(expected.problems("{\"type\":\"typing\",\"payload\":{\"state\":\"start\"}}", List.of(
                "{\"type\":\"pong\",\"server_time\":\"t\"}"))).isNotEmpty();
    }

    @Test
    void catchesUndocumentedCodesAndMismatchedJsonRpcCodes() {
        assertThat(expected.problems("{not json", List.of(
                "{\"type\":\"error\",\"code\":\"oops\",\"message\":\"m\"}"))).isNotEmpty();
        assertThat(expected.problems("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}", List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"m\","
                        + "\"data\":{\"code\":\"unknown_type\"}}}"))).isNotEmpty();
    }

    @Test
    void catchesRepliesThatAreNotJson() {
        assertThat(expected.problems(PING, List.of("{\"type\":\"pong\",\"reply_to\":\"p-1\"} trailing")))
                .anySatisfy(problem -> assertThat(problem).startsWith("a reply is not valid JSON"));
    }

    @Test
    void countsNestingOnTheTokensSoAReplacedDuplicateStillCounts() {
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        assertThat(ExpectedAnswer.depth("{\"type\":\"ping\",\"x\":" + deep + ",\"x\":1}")).isEqualTo(41);
        assertThat(ExpectedAnswer.depth("{}")).isEqualTo(1);
    }
}
