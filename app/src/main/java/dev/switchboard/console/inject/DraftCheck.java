package dev.switchboard.console.inject;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.protocol.Json;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the inject editor's text is as a client frame: one JSON object with a {@code type} (or a
 * JSON-RPC request with a {@code method}), or the first problem that keeps it from being one.
 * Only what the editor can see is checked; the router still validates everything else.
 *
 * @param type    the message type (a JSON-RPC method as {@code "ping (JSON-RPC)"}), or null
 * @param problem why it cannot be sent, or null when it can
 */
public record DraftCheck(String type, String problem) {
    /** The shared mapper, refusing anything after the one JSON value. */
    private static final ObjectMapper STRICT = Json.mapper().rebuild()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /** A {@code message_id} whose value ends in digits: its prefix and the number. */
    private static final Pattern MESSAGE_ID = Pattern.compile("(\"message_id\"\\s*:\\s*\")([^\"\\\\]*?)(\\d+)(\")");

    /** Whether the text can be sent. */
    public boolean sendable() {
        return problem == null;
    }

    /** Checks {@code text}. */
    public static DraftCheck of(String text) {
        if (text == null || text.isBlank()) {
            return problem("the message is empty");
        }
        JsonNode message;
        try {
            message = STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            return problem("not valid JSON" + (where == null || where.getLineNr() < 1 ? ""
                    : " at line " + where.getLineNr() + ", column " + where.getColumnNr()) + ": " + firstLine(e.getOriginalMessage()));
        }
        if (!message.isObject()) {
            return problem("a message is one JSON object, not " + message.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        if (message.has("jsonrpc")) {
            JsonNode method = message.get("method");
            if (method == null || !method.isTextual() || method.asText().isEmpty()) {
                return problem("a JSON-RPC request needs a \"method\" string");
            }
            return new DraftCheck(method.asText() + " (JSON-RPC)", null);
        }
        JsonNode type = message.get("type");
        if (type == null) {
            return problem("missing \"type\"");
        }
        if (!type.isTextual() || type.asText().isEmpty()) {
            return problem("\"type\" must be a non-empty string");
        }
        return new DraftCheck(type.asText(), null);
    }

    /** Pretty-prints a sendable text; returns it unchanged otherwise. */
    /**
     * The draft with its {@code message_id}'s trailing number one higher ({@code "m-7"} becomes
     * {@code "m-8"}), so sending again does not repeat an id; the text is unchanged otherwise (and
     * when the id has no trailing number).
     */
    public static String nextMessageId(String text) {
        Matcher id = MESSAGE_ID.matcher(text);
        if (!id.find()) {
            return text;
        }
        String digits = id.group(3);
        String next = new BigInteger(digits).add(BigInteger.ONE).toString();
        while (next.length() < digits.length()) {
            next = "0" + next; // m-009 becomes m-010
        }
        return text.substring(0, id.start(3)) + next + text.substring(id.end(3));
    }

    public static String format(String text) {
        if (!of(text).sendable()) {
            return text;
        }
        try {
            return STRICT.writerWithDefaultPrettyPrinter().writeValueAsString(STRICT.readTree(text));
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static DraftCheck problem(String why) {
        return new DraftCheck(null, why);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
