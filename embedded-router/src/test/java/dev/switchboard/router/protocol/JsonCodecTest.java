package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCodecTest {
    private final JsonCodec codec = new JsonCodec();

    private Decoded.Rejected rejected(String frame) {
        Decoded decoded = codec.decode(frame);
        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        return (Decoded.Rejected) decoded;
    }

    @Test
    void decodesAFullMessage() {
        Decoded decoded = codec.decode("{\"type\":\"user_message\",\"message_id\":\"m-1\",\"thread_id\":\"t-1\","
                + "\"run_id\":\"r-1\",\"payload\":{\"content\":\"hi\"}}");
        ClientMessage message = ((Decoded.Message) decoded).message();
        assertThat(message.type()).isEqualTo("user_message");
        assertThat(message.messageId()).isEqualTo("m-1");
        assertThat(message.threadId()).isEqualTo("t-1");
        assertThat(message.runId()).isEqualTo("r-1");
        assertThat(message.payloadText("content")).isEqualTo("hi");
        assertThat(message.jsonRpc()).isFalse();
    }

    @Test
    void onlyTypeIsRequired() {
        ClientMessage message = ((Decoded.Message) codec.decode("{\"type\":\"ping\"}")).message();
        assertThat(message.payload().isEmpty()).isTrue();
        assertThat(message.messageId()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"payload\":{}}", "{\"type\":7}", "{\"type\":\"\"}", "{\"type\":\"Bad Type\"}",
            "{\"type\":\"ping\",\"payload\":[1]}", "{\"type\":\"ping\",\"thread_id\":5}", "\"just a string\"", "[]"})
    void rejectsMalformedMessagesAsInvalidMessage(String frame) {
        assertThat(rejected(frame).code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
    }

    @Test
    void rejectsBrokenJsonAsInvalidJson() {
        assertThat(rejected("{\"type\":").code()).isEqualTo(ErrorCode.INVALID_JSON);
    }

    @Test
    void keepsTheMessageIdOfAnInvalidMessageForReplyTo() {
        assertThat(rejected("{\"message_id\":\"m-9\",\"type\":3}").messageId()).isEqualTo("m-9");
    }

    @Test
    void rejectsJsonNestedTooDeep() {
        String deep = "{\"type\":\"ping\",\"payload\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}";
        Decoded.Rejected rejected = rejected(deep);
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(rejected.reason()).contains("nested");
    }

    @Test
    void decodesJsonRpcRequestsAsTheirMethod() {
        ClientMessage message = ((Decoded.Message) codec.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"user_message\",\"params\":{\"content\":\"x\",\"thread_id\":\"t-2\"}}"))
                .message();
        assertThat(message.type()).isEqualTo("user_message");
        assertThat(message.jsonRpc()).isTrue();
        assertThat(message.rpcId().asInt()).isEqualTo(3);
        assertThat(message.threadId()).isEqualTo("t-2");
        assertThat(message.expectsRpcResponse()).isTrue();
    }

    @Test
    void mapsJsonRpcEnvelopeErrorsToTheStandardCodes() {
        assertThat(rejected("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}").rpcCode()).isEqualTo(-32600);
        assertThat(rejected("{\"jsonrpc\":\"2.0\",\"id\":1}").rpcCode()).isEqualTo(-32600);
        assertThat(rejected("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":3}").rpcCode()).isEqualTo(-32602);
    }

    @Test
    void encodesEventsWithTypeFirstAndErrorsWithTheirCode() {
        assertThat(codec.encode(ServerEvent.builder("pong").put("reply_to", "m-1").put("skipped", null).build()))
                .isEqualTo("{\"type\":\"pong\",\"reply_to\":\"m-1\"}");
        assertThat(codec.encode(JsonCodec.errorEvent(ErrorCode.RATE_LIMITED, "slow", "m-2",
                java.util.Map.of("retry_after_ms", 5))))
                .isEqualTo("{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow\",\"reply_to\":\"m-2\","
                        + "\"retry_after_ms\":5}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"ping\"}\u0000",
            "{\"type\":\"ping\"}garbage", "{\"type\":\"ping\"}}", "{\"type\":\"ping\"} 1", "[] []"})
    void refusesTextAfterTheJsonValueAsInvalidJson(String frame) {
        Decoded.Rejected rejected = rejected(frame);
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(rejected.reason()).isEqualTo("frame holds text after its JSON value (one JSON value per frame)");
    }

    @Test
    void acceptsWhitespaceAfterTheJsonValue() {
        assertThat(codec.decode("{\"type\":\"ping\"} \r\n\t ")).isInstanceOf(Decoded.Message.class);
    }

    @Test
    void namesAnOverlongNumberAsTheReasonNotTheNesting() {
        Decoded.Rejected rejected = rejected("{\"type\":\"ping\",\"payload\":{\"n\":" + "9".repeat(10_000) + "}}");
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(rejected.reason()).isEqualTo("a number is longer than 1000 digits");
        assertThat(rejected("{\"type\":\"ping\",\"payload\":{\"n\":0." + "1".repeat(2000) + "}}").reason())
                .isEqualTo("a number is longer than 1000 digits");
    }

    @Test
    void namesTheNestingDepthWhenTooDeep() {
        String deep = "{\"type\":\"ping\",\"payload\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertThat(rejected(deep).reason()).isEqualTo("message nested deeper than 32 levels");
    }

    @Test
    void namesAnOverlongFieldName() {
        assertThat(rejected("{\"type\":\"ping\",\"payload\":{\"" + "k".repeat(60_000) + "\":1}}").reason())
                .isEqualTo("a field name is longer than 50000 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"ping\",\"payload\":{\"a\":\"x\\ud800\"}}",
            "{\"type\":\"ping\",\"payload\":{\"a\":\"\\udc00y\"}}",
            "{\"type\":\"ping\",\"payload\":{\"a\":[{\"b\":[\"\\ude00\\ud83d\"]}]}}",
            "{\"type\":\"ping\",\"payload\":{\"k\\ud800\":1}}",
            "{\"type\":\"ping\",\"message_id\":\"\\ud800\"}",
            "{\"type\":\"ping\",\"payload\":{\"a\":\"raw \ud800 surrogate\"}}"})
    void refusesUnpairedSurrogatesInAnyStringWithoutReplyTo(String frame) {
        Decoded.Rejected rejected = rejected(frame);
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(rejected.reason()).isEqualTo("string contains an unpaired UTF-16 surrogate");
        assertThat(rejected.messageId()).isNull();
    }

    @Test
    void acceptsPairedSurrogatesEscapedOrRaw() {
        ClientMessage message = ((Decoded.Message) codec.decode(
                "{\"type\":\"ping\",\"payload\":{\"a\":\"\\ud83d\\ude00 \ud83d\ude00\"}}")).message();
        assertThat(message.payloadText("a")).isEqualTo("\ud83d\ude00 \ud83d\ude00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\u0000b", "line\\r\\nbreak", "<script>", "has space", "", "quote\\\"", "\u00e9t\u00e9"})
    void refusesAnInvalidMessageIdWithoutEchoingIt(String id) {
        Decoded.Rejected rejected = rejected("{\"type\":\"ping\",\"message_id\":\"" + id + "\"}");
        assertThat(rejected.code()).isEqualTo(ErrorCode.INVALID_MESSAGE);
        assertThat(rejected.reason()).isEqualTo("field 'message_id' must be 1 to 128 characters of [A-Za-z0-9._:@-]");
        assertThat(rejected.messageId()).isNull();
    }

    @Test
    void refusesAMessageIdOver128Characters() {
        assertThat(rejected("{\"type\":\"ping\",\"message_id\":\"" + "a".repeat(129) + "\"}").messageId()).isNull();
        assertThat(codec.decode("{\"type\":\"ping\",\"message_id\":\"" + "a".repeat(128) + "\"}"))
                .isInstanceOf(Decoded.Message.class);
    }

    @Test
    void acceptsTheIdsTheProjectUses() {
        ClientMessage message = ((Decoded.Message) codec.decode("{\"type\":\"stop_agent\",\"message_id\":"
                + "\"alice@example.com-12\",\"thread_id\":\"t-1a2b\",\"run_id\":\"run-45327662cdd3cd23-shadow\"}"))
                .message();
        assertThat(message.messageId()).isEqualTo("alice@example.com-12");
        assertThat(message.runId()).isEqualTo("run-45327662cdd3cd23-shadow");
        assertThat(((Decoded.Message) codec.decode("{\"type\":\"ping\",\"message_id\":\"batch-1.3:x_y\"}"))
                .message().messageId()).isEqualTo("batch-1.3:x_y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread_id", "run_id"})
    void refusesAThreadOrRunIdWithMarkupAndKeepsAValidReplyTo(String field) {
        Decoded.Rejected rejected = rejected("{\"type\":\"ping\",\"message_id\":\"m-1\",\"" + field
                + "\":\"<img src=x onerror=alert(1)>\"}");
        assertThat(rejected.reason()).isEqualTo("field '" + field + "' must be 1 to 128 characters of [A-Za-z0-9._:@-]");
        assertThat(rejected.messageId()).isEqualTo("m-1");
    }

    @Test
    void refusesAJsonRpcThreadIdWithMarkup() {
        Decoded.Rejected rejected = rejected(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"thread_id\":\"<b>\"}}");
        assertThat(rejected.reason()).isEqualTo("field 'thread_id' must be 1 to 128 characters of [A-Za-z0-9._:@-]");
        assertThat(rejected.rpcCode()).isEqualTo(-32602);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123456789012345678901234567890", "-0", "1.50", "1e2", "1E+2", "-12.5e-3", "7", "1e99999999999",
            "\"abc\"", "\"<b>\\u0000\"", "null"})
    void echoesAJsonRpcIdExactlyAsWritten(String id) {
        ClientMessage message = ((Decoded.Message) codec.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}")).message();
        assertThat(codec.encodeRpcResult(message.rpcId(), ServerEvent.of("pong")))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"type\":\"pong\"}}");
        assertThat(codec.encodeRpcError(message.rpcId(), -32601, ErrorCode.UNKNOWN_TYPE, "no", java.util.Map.of()))
                .startsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",");
    }

    @Test
    void aNumericJsonRpcIdStillReadsAsItsNumber() {
        JsonNode id = ((Decoded.Message) codec.decode("{\"jsonrpc\":\"2.0\",\"id\":12345678901,\"method\":\"ping\"}"))
                .message().rpcId();
        assertThat(id.isIntegralNumber()).isTrue();
        assertThat(id.canConvertToInt()).isFalse();
        assertThat(id.longValue()).isEqualTo(12_345_678_901L);
        assertThat(id.asText()).isEqualTo("12345678901");
    }

    @Test
    void echoesTheLastOfDuplicateIdsAsTheTreeDoes() {
        ClientMessage message = ((Decoded.Message) codec.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":1.0,\"id\":\"s\",\"method\":\"ping\"}")).message();
        assertThat(message.rpcId().textValue()).isEqualTo("s");
        message = ((Decoded.Message) codec.decode(
                "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"id\":2.50,\"method\":\"ping\"}")).message();
        assertThat(codec.encodeRpcResult(message.rpcId(), null)).contains("\"id\":2.50,");
    }

    @Test
    void echoesTheIdsOfJsonRpcBatchElementsExactly() {
        Decoded.Message batch = (Decoded.Message) codec.decode("{\"type\":\"batch\",\"payload\":{\"messages\":["
                + "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"ping\"},{\"type\":\"ping\",\"payload\":{\"id\":1.50}}]}}");
        ClientMessage first = ((Decoded.Message) codec.decode(batch.message().payload().path("messages").get(0))).message();
        assertThat(codec.encodeRpcResult(first.rpcId(), null)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":-0,\"result\":null}");
        assertThat(batch.message().payload().path("messages").get(1).path("payload").path("id").isNumber())
                .as("an id inside a payload is the payload's business and stays a number").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "{}", "[1]", "\"a-string-id-of-exactly-one-hundred-and-twenty-nine-characters-which-is-one-"
            + "character-over-the-limit-of-the-router-for-ids-ok-xyz1\""})
    void refusesAnInvalidJsonRpcIdAsAnInvalidRequestWithIdNull(String id) {
        Decoded.Rejected rejected = rejected("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
        assertThat(rejected.rpcCode()).isEqualTo(-32600);
        assertThat(rejected.rpcId().isNull()).isTrue();
        assertThat(rejected.reason()).isEqualTo("field 'id' must be a string or a number of at most 128 characters, or null");
    }

    @Test
    void refusesANumericJsonRpcIdOver128Characters() {
        Decoded.Rejected rejected = rejected("{\"jsonrpc\":\"2.0\",\"id\":" + "1".repeat(129) + ",\"method\":\"ping\"}");
        assertThat(rejected.rpcCode()).isEqualTo(-32600);
        assertThat(rejected.rpcId().isNull()).isTrue();
    }

    @Test
    void encodesEachEventWholeAndAloneWhenOneThreadEncodesManyInARow() throws Exception {
        String large = "y".repeat(100_000);
        java.util.List<String> encoded = new java.util.ArrayList<>();

        encoded.add(codec.encode(ServerEvent.builder("pong").put("server_time", "t1").build(), "m-1"));
        encoded.add(codec.encode(ServerEvent.builder("big").put("text", large).build()));
        encoded.add(codec.encode(ServerEvent.builder("pong").put("server_time", "t2").build(), "m-2"));
        // a value written by Jackson's serializers (a map) in between
        encoded.add(codec.encode(ServerEvent.builder("nested").put("data", java.util.Map.of("k", "v")).build()));

        assertThat(encoded.get(0)).isEqualTo("{\"type\":\"pong\",\"server_time\":\"t1\",\"reply_to\":\"m-1\"}");
        assertThat(encoded.get(1)).isEqualTo("{\"type\":\"big\",\"text\":\"" + large + "\"}");
        assertThat(encoded.get(2)).isEqualTo("{\"type\":\"pong\",\"server_time\":\"t2\",\"reply_to\":\"m-2\"}");
        assertThat(encoded.get(3)).isEqualTo("{\"type\":\"nested\",\"data\":{\"k\":\"v\"}}");
    }

    @Test
    void encodesOnManyThreadsAtOnceWithoutMixingTheirText() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> checks = new java.util.ArrayList<>();
            for (int task = 0; task < 8; task++) {
                int id = task;
                checks.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String text = codec.encode(ServerEvent.builder("pong").put("n", id * 100_000 + i).build());
                        if (!text.equals("{\"type\":\"pong\",\"n\":" + (id * 100_000 + i) + "}")) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> check : checks) {
                assertThat(check.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
