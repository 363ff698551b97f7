package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The findings of the input audit (issue #9), replayed over a real socket: what a client sees when
 * it sends more than one JSON value, oversized numbers, lone surrogates, hostile ids or odd JSON-RPC ids.
 */
@ExtendWith(NoLeakedThreads.class)
class HostileInputTest {
    private static final String ID_RULE = "1 to 128 characters of [A-Za-z0-9._:@-]";
    private static Router router;

    @BeforeAll
    static void startRouter() {
        router = TestRouters.start();
    }

    @AfterAll
    static void stopRouter() {
        router.stop();
    }

    private static JsonNode awaitError(WsClient client) {
        return client.awaitType("error");
    }

    @Test
    void refusesASecondJsonObjectInOneFrameAndRoutesNeither() {
        try (WsClient client = WsClient.connect(router.clientUri(), "trail-1")) {
            client.send("{\"type\":\"ping\",\"message_id\":\"p-1\"} {\"type\":\"ping\",\"message_id\":\"p-2\"}");
            JsonNode error = awaitError(client);
            assertThat(error.path("code").asText()).isEqualTo("invalid_json");
            assertThat(error.path("message").asText())
                    .isEqualTo("frame holds text after its JSON value (one JSON value per frame)");
            assertThat(error.has("reply_to")).isFalse();
            client.assertUsable();
            assertThat(client.seen()).noneMatch(m -> m.path("type").asText().equals("pong")
                    && m.path("reply_to").asText().startsWith("p-"));
        }
    }

    @Test
    void refusesATrailingNulByteOrGarbageButNotTrailingWhitespace() {
        try (WsClient client = WsClient.connect(router.clientUri(), "trail-2")) {
            client.send("{\"type\":\"ping\",\"message_id\":\"p-1\"}\u0000");
            assertThat(awaitError(client).path("code").asText()).isEqualTo("invalid_json");
            client.send("{\"type\":\"ping\",\"message_id\":\"p-2\"}garbage");
            assertThat(awaitError(client).path("code").asText()).isEqualTo("invalid_json");
            client.send("{\"type\":\"ping\",\"message_id\":\"p-3\"} \r\n");
            assertThat(client.awaitReply("p-3").path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void namesAnOverlongNumberInsteadOfBlamingTheNesting() {
        try (WsClient client = WsClient.connect(router.clientUri(), "number-1")) {
            client.send("{\"type\":\"ping\",\"message_id\":\"p-1\",\"payload\":{\"n\":" + "9".repeat(10_000) + "}}");
            JsonNode error = awaitError(client);
            assertThat(error.path("code").asText()).isEqualTo("invalid_message");
            assertThat(error.path("message").asText()).isEqualTo("a number is longer than 1000 digits");
        }
    }

    @Test
    void refusesAnUnpairedSurrogateAnywhereWithoutStartingARun() {
        try (WsClient client = WsClient.connect(router.clientUri(), "surrogate-1")) {
            client.send("{\"type\":\"user_message\",\"message_id\":\"m-1\",\"payload\":{\"content\":\"hi \\ud800\"}}");
            JsonNode error = awaitError(client);
            assertThat(error.path("code").asText()).isEqualTo("invalid_message");
            assertThat(error.path("message").asText()).isEqualTo("string contains an unpaired UTF-16 surrogate");
            client.send("{\"type\":\"ping\",\"message_id\":\"p-1\",\"payload\":{\"\\udc00\":1}}");
            assertThat(awaitError(client).path("message").asText()).isEqualTo("string contains an unpaired UTF-16 surrogate");
            client.assertUsable();
            assertThat(client.seen()).noneMatch(m -> m.path("type").asText().equals("message_ack"));
        }
    }

    @Test
    void refusesHostileMessageIdsWithoutEchoingThem() {
        try (WsClient client = WsClient.connect(router.clientUri(), "msgid-1")) {
            for (String id : List.of("a\\u0000b", "x\\r\\ny", "<script>alert(1)</script>", "two words", "")) {
                client.send("{\"type\":\"ping\",\"message_id\":\"" + id + "\"}");
                JsonNode error = awaitError(client);
                assertThat(error.path("code").asText()).isEqualTo("invalid_message");
                assertThat(error.path("message").asText()).isEqualTo("field 'message_id' must be " + ID_RULE);
                assertThat(error.has("reply_to")).isFalse();
            }
            assertThat(String.join("\n", client.seenText())).doesNotContain("script", "\\u0000", "\\r\\n", "two words");
        }
    }

    @Test
    void refusesAThreadIdWithMarkupInsteadOfEchoingItOnEveryEvent() {
        try (WsClient client = WsClient.connect(router.clientUri(), "thread-1")) {
            client.send(Map.of("type", "user_message", "message_id", "m-1", "thread_id", "<img src=x onerror=alert(1)>",
                    "payload", Map.of("content", "hello")));
            JsonNode error = client.awaitReply("m-1");
            assertThat(error.path("code").asText()).isEqualTo("invalid_message");
            assertThat(error.path("message").asText()).isEqualTo("field 'thread_id' must be " + ID_RULE);

            client.send(Map.of("type", "user_message", "message_id", "m-2", "thread_id", "thread:2026-11.a@b_c",
                    "payload", Map.of("content", "hello")));
            String runId = client.awaitReply("m-2").path("run_id").asText();
            assertThat(client.awaitRun(runId)).allMatch(e -> e.path("thread_id").asText().equals("thread:2026-11.a@b_c"));
            assertThat(String.join("\n", client.seenText())).doesNotContain("onerror");
        }
    }

    @Test
    void refusesAStopAgentRunIdOutsideTheIdRule() {
        try (WsClient client = WsClient.connect(router.clientUri(), "run-1")) {
            client.send(Map.of("type", "stop_agent", "message_id", "s-1", "payload", Map.of("run_id", "<b>run</b>")));
            JsonNode error = client.awaitReply("s-1");
            assertThat(error.path("code").asText()).isEqualTo("invalid_message");
            assertThat(error.path("message").asText()).isEqualTo("payload.run_id must be " + ID_RULE);
            client.send(Map.of("type", "stop_agent", "message_id", "s-2", "run_id", "run\u0000x"));
            assertThat(awaitError(client).path("message").asText()).isEqualTo("field 'run_id' must be " + ID_RULE);
        }
    }

    @Test
    void echoesJsonRpcIdsCharacterForCharacter() {
        try (WsClient client = WsClient.connect(router.clientUri(), "rpc-1")) {
            for (String id : List.of("123456789012345678901234567890", "-0", "1.50", "1e2", "\"a<b>\"")) {
                client.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}");
                client.await(m -> m.has("jsonrpc"));
                assertThat(client.seenText()).anyMatch(frame -> frame.startsWith(
                        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"type\":\"pong\""));
            }
            client.send("{\"type\":\"batch\",\"message_id\":\"b-1\",\"payload\":{\"messages\":["
                    + "{\"jsonrpc\":\"2.0\",\"id\":98765432109876543210.000,\"method\":\"heartbeat\"}]}}");
            client.await(m -> m.has("jsonrpc"));
            assertThat(client.seenText()).anyMatch(frame -> frame.startsWith(
                    "{\"jsonrpc\":\"2.0\",\"id\":98765432109876543210.000,\"result\":{\"type\":\"heartbeat_ack\""));
        }
    }

    @Test
    void refusesAJsonRpcIdOver128CharactersWithIdNull() {
        try (WsClient client = WsClient.connect(router.clientUri(), "rpc-2")) {
            client.send("{\"jsonrpc\":\"2.0\",\"id\":\"" + "i".repeat(129) + "\",\"method\":\"ping\"}");
            JsonNode error = client.await(m -> m.has("jsonrpc"));
            assertThat(error.path("id").isNull()).isTrue();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
            assertThat(error.path("error").path("message").asText())
                    .isEqualTo("field 'id' must be a string or a number of at most 128 characters, or null");
            client.send("{\"jsonrpc\":\"2.0\",\"id\":" + "7".repeat(129) + ",\"method\":\"ping\"}");
            assertThat(client.await(m -> m.has("jsonrpc")).path("id").isNull()).isTrue();
        }
    }
}
