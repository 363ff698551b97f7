package dev.switchboard.router.fuzz;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.switchboard.router.protocol.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a client may expect in answer to one frame, worked out from {@code src/docs/protocol.md}
 * alone (not from the router's code): how many direct replies, which {@code reply_to} or JSON-RPC
 * {@code id} they carry, which reply types and error codes. A JSON parse of the frame (with
 * Jackson's default rules: duplicate keys, last one wins; content after the first value ignored)
 * decides which case applies.
 *
 * <p>Where the protocol leaves the outcome to checks this class does not repeat (control
 * characters, markup, field counts and sizes in a payload), either the documented reply or an
 * error is accepted; the number of replies and who they answer are always exact.
 */
final class ExpectedAnswer {
    /** Error codes a client of {@code /ws} can be sent ({@code forbidden} is the monitor's only). */
    static final Set<String> CLIENT_CODES = clientCodes();
    /**
     * Error codes a frame may get from a ready router whose rate limits are out of reach and whose
     * queue is never full: the codes about the frame itself.
     */
    static final Set<String> FRAME_CODES = Set.of("invalid_json", "invalid_message", "unknown_type", "too_large",
            "not_found");
    /** The direct reply of each client type that has one. */
    static final Map<String, String> REPLY_TYPES = Map.of("ping", "pong", "heartbeat", "heartbeat_ack",
            "user_message", "message_ack", "start_agent", "message_ack", "get_quality_metrics", "quality_metrics",
            "subscribe_quality_alerts", "subscription_ack", "validate_content", "validation_result",
            "generate_quality_report", "quality_report");
    /** Events pushed to every connection of a user, not direct replies: agent runs and quality alerts. */
    static final Set<String> PUSHED_EVENTS = Set.of("agent_started", "agent_thinking", "tool_executing",
            "tool_completed", "agent_completed", "quality_alert");
    /** A plain reply without {@code reply_to}, in {@link Answer#replyTos}. */
    static final String NO_REPLY_TO = "<no reply_to>";
    /** A JSON-RPC response whose {@code result} is null, in {@link Answer#replyTypes}. */
    static final String NULL_RESULT = "<null result>";

    private static final Pattern TYPE_SHAPE = Pattern.compile("[a-z][a-z0-9_.:-]{0,63}");
    private static final int MAX_ID = 128;
    /** protocol.md: message_id, thread_id and run_id are 1 to 128 characters of [A-Za-z0-9._:@-]. */
    private static final java.util.regex.Pattern ID_RULE = java.util.regex.Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final int MAX_DEPTH = 32;
    private static final int MAX_BATCH = 50;
    private static final ObjectMapper LENIENT = new ObjectMapper();
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final int softFrameLimit;

    ExpectedAnswer(int softFrameLimit) {
        this.softFrameLimit = softFrameLimit;
    }

    /**
     * The answers one message may get.
     *
     * @param min        direct replies at least
     * @param max        direct replies at most
     * @param replyTos   the {@code reply_to} values plain replies may carry ({@link #NO_REPLY_TO}: none)
     * @param rpcIds     the ids JSON-RPC responses may carry (as {@link #idKey})
     * @param replyTypes non-error reply types (plain {@code type} or JSON-RPC {@code result.type})
     * @param codes      error codes allowed
     */
    record Answer(int min, int max, Set<String> replyTos, Set<String> rpcIds, Set<String> replyTypes,
                  Set<String> codes) {
        static Answer none() {
            return new Answer(0, 0, Set.of(), Set.of(), Set.of(), Set.of());
        }

        static Answer plainError(String replyTo, Set<String> codes) {
            return new Answer(1, 1, Set.of(replyTo == null ? NO_REPLY_TO : replyTo), Set.of(), Set.of(), codes);
        }

        static Answer rpcError(JsonNode id, Set<String> codes) {
            return new Answer(1, 1, Set.of(), Set.of(idKey(id)), Set.of(), codes);
        }

        /** Both: what the first may get plus what the second may get. */
        Answer and(Answer other) {
            int most = (int) Math.min(Integer.MAX_VALUE, (long) max + other.max);
            return new Answer(min + other.min, most, union(replyTos, other.replyTos), union(rpcIds, other.rpcIds),
                    union(replyTypes, other.replyTypes), union(codes, other.codes));
        }

        /** Either one or the other. */
        Answer or(Answer other) {
            return new Answer(Math.min(min, other.min), Math.max(max, other.max), union(replyTos, other.replyTos),
                    union(rpcIds, other.rpcIds), union(replyTypes, other.replyTypes), union(codes, other.codes));
        }
    }

    /**
     * Checks the direct replies a frame got (pushed run events and alerts left out).
     *
     * @return what is wrong with them; empty when they are what a client may expect
     */
    List<String> problems(String frame, List<String> replies) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> parsed = new ArrayList<>();
        for (String reply : replies) {
            try {
                JsonNode node = STRICT.readTree(reply);
                if (node == null || !node.isObject()) {
                    problems.add("a reply is not a JSON object: " + abbreviate(reply));
                } else {
                    parsed.add(node);
                }
            } catch (JsonProcessingException e) {
                problems.add("a reply is not valid JSON: " + abbreviate(reply));
            }
        }
        Answer answer = expect(frame);
        if (replies.size() < answer.min() || replies.size() > answer.max()) {
            problems.add(replies.size() + " replies where " + answer.min() + " to " + answer.max() + " were due");
        }
        for (JsonNode reply : parsed) {
            String problem = reply.has("jsonrpc") ? rpcProblem(reply, answer) : plainProblem(reply, answer);
            if (problem != null) {
                problems.add(problem + ": " + abbreviate(reply.toString()));
            }
        }
        return problems;
    }

    /** The error codes among {@code replies}, plain or JSON-RPC. */
    static List<String> errorCodes(List<String> replies) {
        List<String> codes = new ArrayList<>();
        for (String reply : replies) {
            try {
                JsonNode node = LENIENT.readTree(reply);
                JsonNode code = node.has("jsonrpc") ? node.path("error").path("data").path("code") : node.path("code");
                if (code.isTextual()) {
                    codes.add(code.asText());
                }
            } catch (JsonProcessingException e) {
                codes.add("<not JSON>");
            }
        }
        return codes;
    }

    /** What the frame may get. */
    Answer expect(String frame) {
        if (frame.getBytes(StandardCharsets.UTF_8).length > softFrameLimit) {
            return Answer.plainError(null, Set.of("too_large"));
        }
        JsonNode root;
        try {
            // one JSON value per frame: text after it is refused (protocol.md)
            root = STRICT.readTree(frame);
        } catch (JsonProcessingException e) {
            // not JSON, or JSON past a parser limit (a number of over 1,000 digits): refused unread
            return Answer.plainError(null, Set.of("invalid_json", "invalid_message"));
        }
        if (root == null || !root.isObject() || depth(frame) > MAX_DEPTH) {
            return Answer.plainError(null, Set.of("invalid_message"));
        }
        if (hasLoneSurrogate(root)) {
            // refused as it is decoded, before any id in it is trusted
            return root.has("jsonrpc") ? Answer.rpcError(null, Set.of("invalid_message"))
                    .or(Answer.plainError(null, Set.of("invalid_message")))
                    : Answer.plainError(null, Set.of("invalid_message"));
        }
        return message(root, false);
    }

    private static Answer message(JsonNode node, boolean inBatch) {
        if (!node.isObject()) {
            return Answer.plainError(null, Set.of("invalid_message"));
        }
        return node.has("jsonrpc") ? rpcMessage(node, inBatch) : plainMessage(node, inBatch);
    }

    private static Answer plainMessage(JsonNode node, boolean inBatch) {
        JsonNode messageIdNode = node.get("message_id");
        String messageId = messageIdNode != null && messageIdNode.isTextual()
                && ID_RULE.matcher(messageIdNode.asText()).matches() ? messageIdNode.asText() : null;
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual() || !TYPE_SHAPE.matcher(type.asText()).matches()) {
            return Answer.plainError(messageId, Set.of("invalid_message"));
        }
        if (messageIdNode != null && messageId == null || !isOptionalId(node.get("thread_id"))
                || !isOptionalId(node.get("run_id")) || !isOptionalObject(node.get("payload"))) {
            return Answer.plainError(messageId, Set.of("invalid_message"));
        }
        Answer refused = Answer.plainError(messageId, FRAME_CODES);
        return handled(type.asText(), node.get("payload"), inBatch, refused,
                new Answer(1, 1, Set.of(messageId == null ? NO_REPLY_TO : messageId), Set.of(),
                        replyType(type.asText()), Set.of()),
                Answer.none());
    }

    private static Answer rpcMessage(JsonNode node, boolean inBatch) {
        JsonNode version = node.get("jsonrpc");
        JsonNode id = node.get("id");
        // protocol.md: a string or a number of at most 128 characters as written, or null
        boolean idValid = id == null || id.isNull() || id.isTextual() && id.asText().length() <= MAX_ID
                || id.isNumber() && id.asText().length() <= MAX_ID;
        if (!version.isTextual()) {
            // JSON-RPC 2.0 asks for the string "2.0"; a number is out of spec, either answer is fair
            Answer asRequest = idValid && id != null ? Answer.rpcError(id, FRAME_CODES) : Answer.none();
            return new Answer(0, Integer.MAX_VALUE, Set.of("*"), Set.of("*"), Set.of("*"), FRAME_CODES)
                    .or(asRequest);
        }
        if (!"2.0".equals(version.asText()) || !idValid) {
            return Answer.rpcError(idValid && id != null ? id : null, Set.of("invalid_message"));
        }
        JsonNode method = node.get("method");
        JsonNode params = node.get("params");
        Answer invalid = id == null ? Answer.none() : Answer.rpcError(id, Set.of("invalid_message"));
        if (method == null || !method.isTextual() || !TYPE_SHAPE.matcher(method.asText()).matches()
                || !isOptionalObject(params)) {
            return invalid;
        }
        if (params != null && params.isObject()
                && (!isOptionalId(params.get("thread_id")) || !isOptionalId(params.get("run_id")))) {
            return invalid;
        }
        if (id == null) {
            // a notification: never answered, but a batch's elements are
            return handled(method.asText(), params, inBatch, Answer.none(), Answer.none(), Answer.none());
        }
        Answer refused = Answer.rpcError(id, FRAME_CODES);
        Set<String> types = new HashSet<>(replyType(method.asText()));
        if (types.isEmpty()) {
            types.add(NULL_RESULT);
        }
        Answer reply = new Answer(1, 1, Set.of(), Set.of(idKey(id)), types, Set.of());
        return handled(method.asText(), params, inBatch, refused, reply,
                new Answer(1, 1, Set.of(), Set.of(idKey(id)), Set.of(NULL_RESULT), Set.of()));
    }

    /**
     * A decodable message: refused with an error, or handled by its type.
     *
     * @param refused       its answer when validation refuses it (or its handler does)
     * @param reply         its direct reply when it has one
     * @param batchDone     what a batch sends once its elements are done (JSON-RPC: a null result)
     */
    private static Answer handled(String type, JsonNode payload, boolean inBatch, Answer refused, Answer reply,
                                  Answer batchDone) {
        if (type.equals("batch")) {
            if (inBatch) {
                return refused;
            }
            JsonNode messages = payload == null ? null : payload.get("messages");
            if (messages == null || !messages.isArray() || messages.size() > MAX_BATCH) {
                return refused;
            }
            Answer elements = batchDone;
            for (JsonNode element : messages) {
                elements = elements.and(message(element, true));
            }
            return refused.or(elements);
        }
        if (type.equals("typing")) {
            // no reply when the state is right
            Answer silent = new Answer(0, 0, Set.of(), Set.of(), Set.of(), Set.of());
            return refused.or(reply.replyTypes().contains(NULL_RESULT) ? reply : silent);
        }
        if (!REPLY_TYPES.containsKey(type) && !type.equals("stop_agent")) {
            return refused;
        }
        if (type.equals("stop_agent")) {
            // nobody started the run it names, so it is never found
            return refused;
        }
        return refused.or(reply);
    }

    private static Set<String> replyType(String type) {
        String reply = REPLY_TYPES.get(type);
        return reply == null ? Set.of() : Set.of(reply);
    }

    private static String plainProblem(JsonNode reply, Answer answer) {
        String type = reply.path("type").asText(null);
        if (type == null) {
            return "a reply has no type";
        }
        String replyTo = reply.has("reply_to") ? reply.get("reply_to").asText() : NO_REPLY_TO;
        if (!answer.replyTos().contains(replyTo) && !answer.replyTos().contains("*")) {
            return "a reply with " + replyTo + " where " + answer.replyTos() + " were due";
        }
        if (type.equals("error")) {
            return errorProblem(reply.path("code").asText(null), reply.path("message"), answer);
        }
        if (!answer.replyTypes().contains(type) && !answer.replyTypes().contains("*")) {
            return "a " + type + " reply where " + answer.replyTypes() + " or an error were due";
        }
        return null;
    }

    private static String rpcProblem(JsonNode reply, Answer answer) {
        if (!"2.0".equals(reply.path("jsonrpc").asText(null)) || !reply.has("id")) {
            return "a JSON-RPC response without jsonrpc 2.0 and an id";
        }
        if (!answer.rpcIds().contains(idKey(reply.get("id"))) && !answer.rpcIds().contains("*")) {
            return "a JSON-RPC response for id " + reply.get("id") + " where " + answer.rpcIds() + " were due";
        }
        if (reply.has("error") == reply.has("result")) {
            return "a JSON-RPC response needs exactly one of result and error";
        }
        if (reply.has("error")) {
            JsonNode error = reply.get("error");
            String code = error.path("data").path("code").asText(null);
            String problem = errorProblem(code, error.path("message"), answer);
            if (problem != null) {
                return problem;
            }
            return rpcCodeMatches(error.path("code"), code) ? null
                    : "JSON-RPC error code " + error.path("code") + " does not go with " + code;
        }
        JsonNode result = reply.get("result");
        String type = result.isNull() ? NULL_RESULT : result.path("type").asText("<no type>");
        if (result.has("reply_to")) {
            return "a JSON-RPC result carries reply_to";
        }
        if (!answer.replyTypes().contains(type) && !answer.replyTypes().contains("*")) {
            return "a JSON-RPC result " + type + " where " + answer.replyTypes() + " or an error were due";
        }
        return null;
    }

    private static String errorProblem(String code, JsonNode message, Answer answer) {
        if (code == null || !CLIENT_CODES.contains(code)) {
            return "undocumented error code " + code;
        }
        if (code.equals("handler_failed")) {
            return "handler_failed: the router threw on a frame it should have classified";
        }
        if (!answer.codes().contains(code)) {
            return "error " + code + " where " + answer.codes() + " were due";
        }
        if (!message.isTextual() || message.asText().isBlank()) {
            return "an error without a message";
        }
        return null;
    }

    /** The protocol's table of JSON-RPC codes. */
    private static boolean rpcCodeMatches(JsonNode rpcCode, String code) {
        if (!rpcCode.isInt()) {
            return false;
        }
        int value = rpcCode.asInt();
        if (code.equals("invalid_message")) {
            return value == -32600 || value == -32602;
        }
        return ErrorCode.valueOf(code.toUpperCase(java.util.Locale.ROOT)).jsonRpcCode() == value;
    }

    /** Whether a key or a string anywhere in {@code node} holds an unpaired UTF-16 surrogate. */
    private static boolean hasLoneSurrogate(JsonNode node) {
        if (node.isTextual()) {
            return loneSurrogate(node.asText());
        }
        java.util.Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (loneSurrogate(field.getKey()) || hasLoneSurrogate(field.getValue())) {
                return true;
            }
        }
        for (JsonNode element : node.isArray() ? node : JSON_EMPTY) {
            if (hasLoneSurrogate(element)) {
                return true;
            }
        }
        return false;
    }

    private static final List<JsonNode> JSON_EMPTY = List.of();

    private static boolean loneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(++i)))) {
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOptionalId(JsonNode node) {
        return node == null || node.isNull() || node.isTextual() && ID_RULE.matcher(node.asText()).matches();
    }

    private static boolean isOptionalObject(JsonNode node) {
        return node == null || node.isNull() || node.isObject();
    }

    /**
     * The deepest nesting of the frame's first JSON value as a parser meets it ({@code {}} is 1),
     * counted on the tokens: a value that a duplicate key later replaces counts too.
     */
    static int depth(String frame) {
        try (JsonParser parser = LENIENT.getFactory().createParser(frame)) {
            int depth = 0;
            int deepest = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isStructStart()) {
                    deepest = Math.max(deepest, ++depth);
                } else if (token.isStructEnd() && --depth == 0) {
                    break;
                }
            }
            return deepest;
        } catch (IOException e) {
            throw new IllegalStateException("a frame that parsed as a tree no longer parses", e);
        }
    }

    /** An id compared by kind and text: 7, "7" and null are three different ids. */
    static String idKey(JsonNode id) {
        if (id == null || id.isNull()) {
            return "null";
        }
        return (id.isTextual() ? "s:" : "n:") + id.asText();
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }

    private static Set<String> clientCodes() {
        Set<String> codes = new HashSet<>();
        for (ErrorCode code : ErrorCode.values()) {
            codes.add(code.wire());
        }
        codes.remove("forbidden");
        return Set.copyOf(codes);
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
