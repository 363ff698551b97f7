package dev.switchboard.console.inject;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.protocol.Json;
import java.util.Locale;

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
