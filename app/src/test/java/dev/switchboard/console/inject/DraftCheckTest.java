package dev.switchboard.console.inject;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The inject editor's check: what keeps Send disabled. */
class DraftCheckTest {

    @Test
    void aMessageWithATypeIsSendable() {
        DraftCheck check = DraftCheck.of("{\"type\": \"ping\", \"message_id\": \"p-1\"}");
        assertThat(check.sendable()).isTrue();
        assertThat(check.type()).isEqualTo("ping");
        assertThat(check.problem()).isNull();
    }

    @Test
    void invalidJsonIsNotSendableAndSaysWhere() {
        DraftCheck check = DraftCheck.of("{\n  \"type\": \"ping\",\n  oops\n}");
        assertThat(check.sendable()).isFalse();
        assertThat(check.problem()).startsWith("not valid JSON at line 3, column 3: Unexpected character");
    }

    @Test
    void aMissingOrNonTextTypeIsNotSendable() {
        assertThat(DraftCheck.of("{\"message_id\": \"p-1\"}").problem()).isEqualTo("missing \"type\"");
        assertThat(DraftCheck.of("{\"type\": 7}").problem()).isEqualTo("\"type\" must be a non-empty string");
        assertThat(DraftCheck.of("{\"type\": \"\"}").sendable()).isFalse();
    }

    @Test
    void onlyOneJsonObjectIsAMessage() {
        assertThat(DraftCheck.of("[1, 2]").problem()).isEqualTo("a message is one JSON object, not array");
        assertThat(DraftCheck.of("{\"type\": \"ping\"} {\"type\": \"ping\"}").sendable()).isFalse();
        assertThat(DraftCheck.of("   ").problem()).isEqualTo("the message is empty");
    }

    @Test
    void aJsonRpcRequestNeedsAMethodInsteadOfAType() {
        DraftCheck request = DraftCheck.of("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\", \"params\": {}}");
        assertThat(request.sendable()).isTrue();
        assertThat(request.type()).isEqualTo("ping (JSON-RPC)");
        assertThat(DraftCheck.of("{\"jsonrpc\": \"2.0\", \"id\": 1}").problem()).contains("\"method\"");
    }

    @Test
    void formatPrettyPrintsValidJsonAndLeavesInvalidTextAlone() {
        assertThat(DraftCheck.format("{\"type\":\"ping\"}")).isEqualTo("{\n  \"type\" : \"ping\"\n}");
        assertThat(DraftCheck.format("{oops")).isEqualTo("{oops");
    }

    @Test
    void theNextDraftCarriesTheNextMessageIdAndNothingElseChanges() {
        assertThat(DraftCheck.nextMessageId("{\"type\":\"ping\", \"message_id\": \"m-7\"}"))
                .isEqualTo("{\"type\":\"ping\", \"message_id\": \"m-8\"}");
        assertThat(DraftCheck.nextMessageId("{\"message_id\":\"run-009\",\"payload\":{\"n\":1}}"))
                .isEqualTo("{\"message_id\":\"run-010\",\"payload\":{\"n\":1}}");
        assertThat(DraftCheck.nextMessageId("{\"message_id\":\"m-99\"}")).isEqualTo("{\"message_id\":\"m-100\"}");
        assertThat(DraftCheck.nextMessageId("{\"message_id\":\"abc\"}")).isEqualTo("{\"message_id\":\"abc\"}");
        assertThat(DraftCheck.nextMessageId("{\"type\":\"ping\"}")).isEqualTo("{\"type\":\"ping\"}");
    }
}
