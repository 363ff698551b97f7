package dev.switchboard.router.protection.internal;

import dev.switchboard.router.protection.ValidationPolicy;
import dev.switchboard.router.protection.FrameRejection;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.protocol.ClientMessage;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageValidatorTest {
    private final MessageValidator validator = new MessageValidator(ValidationPolicy.defaults());

    private static ObjectNode payload() {
        return JsonNodeFactory.instance.objectNode();
    }

    private FrameRejection.Reason reasonFor(String type, ObjectNode payload) {
        FrameRejection rejection = validator.validate(ClientMessage.of(type, payload));
        return rejection == null ? null : rejection.reason();
    }

    @Test
    void acceptsOrdinaryMessages() {
        assertThat(reasonFor("user_message", payload().put("content", "Hello there, how are you?\n"))).isNull();
        assertThat(reasonFor("ping", null)).isNull();
    }

    @Test
    void refusesControlCharactersAnywhereInThePayload() {
        assertThat(reasonFor("user_message", payload().put("content", "nul\u0000byte")))
                .isEqualTo(FrameRejection.Reason.CONTROL_CHARACTERS);
        ObjectNode nested = payload().put("content", "ok");
        nested.putArray("tools").add("bell\u0007");
        assertThat(reasonFor("start_agent", nested)).isEqualTo(FrameRejection.Reason.CONTROL_CHARACTERS);
        ClientMessage badId = new ClientMessage("ping", "m\u0001", null, null, null, null, false);
        assertThat(validator.validate(badId).reason()).isEqualTo(FrameRejection.Reason.CONTROL_CHARACTERS);
    }

    @Test
    void stripsControlCharactersUnderTheStripPolicy() {
        MessageValidator stripping = new MessageValidator(new ValidationPolicy(256, 16_384,
                ValidationPolicy.ControlCharacters.STRIP, true, Set.of()));
        ObjectNode payload = payload().put("content", "he\u0000llo");
        payload.putArray("list").add("a\u0007b");
        ClientMessage message = ClientMessage.of("user_message", payload);
        assertThat(stripping.validate(message)).isNull();
        assertThat(message.payloadText("content")).isEqualTo("hello");
        assertThat(message.payload().get("list").get(0).asText()).isEqualTo("ab");
    }

    @Test
    void refusesMarkupExceptWhereTheTypeIsExempt() {
        assertThat(reasonFor("user_message", payload().put("content", "<script>alert(1)</script>")))
                .isEqualTo(FrameRejection.Reason.MARKUP);
        assertThat(reasonFor("user_message", payload().put("content", "<img src=x onerror=alert(1)>")))
                .isEqualTo(FrameRejection.Reason.MARKUP);
        assertThat(reasonFor("user_message", payload().put("content", "go to javascript:void(0)")))
                .isEqualTo(FrameRejection.Reason.MARKUP);
        assertThat(reasonFor("user_message", payload().put("content", "is 3 < 4? yes: a=b"))).isNull();
        assertThat(reasonFor("validate_content", payload().put("content", "<script>x</script>"))).isNull();
    }

    @Test
    void refusesOversizedFieldsAndTooManyFields() {
        assertThat(reasonFor("user_message", payload().put("content", "x".repeat(16_385))))
                .isEqualTo(FrameRejection.Reason.FIELD_TOO_LARGE);
        ObjectNode wide = payload().put("content", "x");
        for (int i = 0; i < 300; i++) {
            wide.put("f" + i, i);
        }
        assertThat(reasonFor("user_message", wide)).isEqualTo(FrameRejection.Reason.TOO_MANY_FIELDS);
    }

    @Test
    void checksPayloadFieldTypesPerMessageType() {
        assertThat(reasonFor("user_message", payload())).isEqualTo(FrameRejection.Reason.PAYLOAD_TYPES);
        assertThat(reasonFor("user_message", payload().put("content", 5))).isEqualTo(FrameRejection.Reason.PAYLOAD_TYPES);
        assertThat(reasonFor("start_agent", payload().put("content", "x").put("tools", "search")))
                .isEqualTo(FrameRejection.Reason.PAYLOAD_TYPES);
        assertThat(reasonFor("batch", payload())).isEqualTo(FrameRejection.Reason.PAYLOAD_TYPES);
        assertThat(reasonFor("my_custom_type", payload().put("anything", 1))).isNull();
    }

    @Test
    void judgesAStreamedPayloadAsItsTree() {
        dev.switchboard.router.protocol.JsonCodec codec = new dev.switchboard.router.protocol.JsonCodec();
        java.util.List<ValidationPolicy> policies = java.util.List.of(ValidationPolicy.defaults(),
                new ValidationPolicy(3, 10, ValidationPolicy.ControlCharacters.STRIP, true, Set.of()),
                new ValidationPolicy(256, 16_384, ValidationPolicy.ControlCharacters.REJECT, false, Set.of()),
                new ValidationPolicy(2, 5, ValidationPolicy.ControlCharacters.REJECT, true, Set.of("ping")));
        java.util.List<String> payloads = java.util.List.of("{}", "{\"content\":\"hello\"}",
                "{\"content\":\"ten chars!\"}", "{\"content\":\"eleven char\"}", "{\"a\":1,\"b\":2,\"c\":3}",
                "{\"a\":1,\"b\":{\"c\":3,\"d\":4}}", "{\"a\":1,\"a\":2,\"a\":3,\"a\":4}",
                "{\"content\":\"nul\\u0000\"}", "{\"content\":\"<script>x\"}", "{\"content\":\"a=b\"}",
                "{\"content\":\"javascript:go\"}", "{\"content\":\"x\",\"tools\":[\"b\\u0007ell\"]}",
                "{\"content\":\"  \"}", "{\"content\":5}", "{\"state\":\"on\"}", "{\"tools\":\"no\"}");
        for (ValidationPolicy policy : policies) {
            MessageValidator checking = new MessageValidator(policy);
            for (String type : java.util.List.of("ping", "user_message", "start_agent", "typing")) {
                for (String payload : payloads) {
                    String frame = "{\"type\":\"" + type + "\",\"payload\":" + payload + "}";
                    ClientMessage streamed = ((dev.switchboard.router.protocol.Decoded.Message) codec.decode(frame)).message();
                    assertThat(streamed.payloadScan()).as(frame).isNotNull();
                    ClientMessage tree = new ClientMessage(type, null, null, null, streamed.payload().deepCopy(), null, false);
                    ClientMessage fresh = ((dev.switchboard.router.protocol.Decoded.Message) codec.decode(frame)).message();
                    FrameRejection expected = checking.validate(tree);
                    FrameRejection actual = checking.validate(fresh);
                    assertThat(actual == null ? null : actual.reason()).as(policy + " " + frame)
                            .isEqualTo(expected == null ? null : expected.reason());
                    assertThat(fresh.payload()).as(policy + " " + frame).isEqualTo(tree.payload());
                }
            }
        }
    }
}
