package dev.switchboard.router.protocol;

import static org.assertj.core.api.Assertions.assertThat;

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
}
