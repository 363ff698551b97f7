package dev.switchboard.router.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Valid client messages of every type in {@code src/docs/protocol.md} (and the scenario templates),
 * as plain messages, JSON-RPC 2.0 requests and notifications, and batches of them. Every text is
 * free of control characters and markup and every field within its documented limits, so each
 * message is admitted and answered as the protocol says.
 */
final class WellFormedMessages {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Pieces of text a person might type: ASCII, accented and CJK letters, a surrogate pair, tab, newline. */
    private static final List<String> TEXT_PIECES = List.of("a", "b", "e", "k", "q", "z", "A", "M", "Z", "0",
            "7", " ", " ", ".", ",", "!", "?", "'", "(", ")", "-", "_", "/", "é", "ß", "ñ", "ü", "中", "文", "한",
            "Ж", "Ω", "\uD83D\uDE00", "\t", "\n", "€");
    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";

    /** One message's type-specific part: its payload (null: absent) and an optional top-level run_id. */
    record Body(String type, JsonNode payload, String runId) {
    }

    /** What a message with nothing to say puts in {@code payload}: nothing, {@code null} or {@code {}}. */
    enum PayloadForm {
        ABSENT, NULL, EMPTY;

        JsonNode node() {
            switch (this) {
                case NULL:
                    return JSON.nullNode();
                case EMPTY:
                    return JSON.objectNode();
                default:
                    return null;
            }
        }
    }

    private WellFormedMessages() {
    }

    /** Any valid message: plain, JSON-RPC or a batch. */
    static Arbitrary<ObjectNode> any() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, plain(body())),
                Tuple.of(3, jsonRpc(body())),
                Tuple.of(2, batch()));
    }

    /** Plain and JSON-RPC messages of every type but {@code batch}. */
    static Arbitrary<ObjectNode> single() {
        return Arbitraries.oneOf(plain(body()), jsonRpc(body()));
    }

    /** A {@code batch} of up to eight single messages (plain or JSON-RPC), itself plain or JSON-RPC. */
    static Arbitrary<ObjectNode> batch() {
        Arbitrary<Body> bodies = single().list().ofMaxSize(8).map(elements -> {
            ObjectNode payload = JSON.objectNode();
            ArrayNode messages = payload.putArray("messages");
            elements.forEach(messages::add);
            return new Body("batch", payload, null);
        });
        return Arbitraries.oneOf(plain(bodies), jsonRpc(bodies));
    }

    static Arbitrary<Body> body() {
        return Arbitraries.oneOf(
                noPayload("ping"),
                noPayload("heartbeat"),
                Arbitraries.of("start", "stop").map(state -> new Body("typing", object().put("state", state), null)),
                text(300).map(content -> new Body("user_message", object().put("content", content), null)),
                startAgent(),
                stopAgent(),
                noPayload("get_quality_metrics"),
                noPayload("subscribe_quality_alerts"),
                text(300).map(content -> new Body("validate_content", object().put("content", content), null)),
                noPayload("generate_quality_report"));
    }

    private static Arbitrary<Body> noPayload(String type) {
        return Arbitraries.of(PayloadForm.class).map(form -> new Body(type, form.node(), null));
    }

    private static Arbitrary<Body> startAgent() {
        Arbitrary<Optional<String>> agent = name().optional();
        Arbitrary<Optional<List<String>>> tools = name().list().uniqueElements().ofMaxSize(16).optional();
        return Combinators.combine(text(300), agent, tools).as((content, agentName, toolNames) -> {
            ObjectNode payload = object().put("content", content);
            agentName.ifPresent(name -> payload.put("agent", name));
            toolNames.ifPresent(names -> {
                ArrayNode array = payload.putArray("tools");
                names.forEach(array::add);
            });
            return new Body("start_agent", payload, null);
        });
    }

    /** Stops a run nobody started: the run id goes in the payload or at the top level. */
    private static Arbitrary<Body> stopAgent() {
        return Combinators.combine(id(40), Arbitraries.of(true, false)).as((runId, inPayload) -> inPayload
                ? new Body("stop_agent", object().put("run_id", "run-" + runId), null)
                : new Body("stop_agent", null, "run-" + runId));
    }

    /** A plain message: {@code type}, optional ids, the payload. */
    static Arbitrary<ObjectNode> plain(Arbitrary<Body> bodies) {
        return Combinators.combine(bodies, id(128).optional(), id(128).optional()).as((body, messageId, threadId) -> {
            ObjectNode message = object().put("type", body.type());
            messageId.ifPresent(id -> message.put("message_id", id));
            threadId.ifPresent(id -> message.put("thread_id", id));
            if (body.runId() != null) {
                message.put("run_id", body.runId());
            }
            if (body.payload() != null) {
                message.set("payload", body.payload().deepCopy());
            }
            return message;
        });
    }

    /** A JSON-RPC 2.0 request (string, integer or null id) or notification (no id); ids go in {@code params}. */
    static Arbitrary<ObjectNode> jsonRpc(Arbitrary<Body> bodies) {
        Arbitrary<JsonNode> ids = Arbitraries.oneOf(
                Arbitraries.longs().map(JSON::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TWO.pow(63), BigInteger.TWO.pow(70)).map(JSON::numberNode),
                id(128).map(JSON::textNode),
                Arbitraries.just(JSON.nullNode()));
        return Combinators.combine(bodies, ids.optional(), id(128).optional()).as((body, rpcId, threadId) -> {
            ObjectNode message = object().put("jsonrpc", "2.0");
            rpcId.ifPresent(id -> message.set("id", id));
            message.put("method", body.type());
            ObjectNode params = body.payload() instanceof ObjectNode payload ? payload.deepCopy() : null;
            if (threadId.isPresent() || body.runId() != null) {
                ObjectNode withIds = params == null ? object() : params;
                threadId.ifPresent(id -> withIds.put("thread_id", id));
                if (body.runId() != null) {
                    withIds.put("run_id", body.runId());
                }
                params = withIds;
            }
            if (params != null) {
                message.set("params", params);
            } else if (body.payload() != null) {
                message.set("params", body.payload());
            }
            return message;
        });
    }

    /** Text of 1 to {@code maxPieces} pieces that is never blank. */
    static Arbitrary<String> text(int maxPieces) {
        return Combinators.combine(Arbitraries.of("x", "Hello", "Ünïcode", "中文", "\uD83D\uDE00", "7"),
                Arbitraries.of(TEXT_PIECES).list().ofMaxSize(maxPieces - 1))
                .as((first, pieces) -> first + String.join("", pieces));
    }

    /** An id of 1 to {@code maxChars} characters of the protocol's id rule, {@code [A-Za-z0-9._:@-]}. */
    static Arbitrary<String> id(int maxChars) {
        return Arbitraries.strings().withChars(NAME_CHARS + ":@").ofMinLength(1).ofMaxLength(maxChars);
    }

    /** An agent or tool name: 1 to 64 of {@code [A-Za-z0-9_.-]}. */
    static Arbitrary<String> name() {
        return Arbitraries.strings().withChars(NAME_CHARS).ofMinLength(1).ofMaxLength(64);
    }

    static ObjectNode object() {
        return JSON.objectNode();
    }
}
