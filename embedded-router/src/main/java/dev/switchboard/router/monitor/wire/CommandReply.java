package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.protocol.Json;

/**
 * The answer to a monitor command, as a tool reads it: a {@code command_result} with its
 * {@code result}, or an {@code error} with its {@code code} and {@code message}. (The router still
 * writes these two frames as trees; the console reads them through this record.) Listed in
 * {@code src/docs/protocol.md}.
 *
 * @param type         {@code command_result} or {@code error}
 * @param replyTo      the command's {@code message_id}, or null
 * @param code         an error's code, or null
 * @param message      an error's text, or null
 * @param retryAfterMs how long to wait after {@code rate_limited}, or null
 * @param result       a result's content (its shape depends on the command), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CommandReply(String type, String replyTo, String code, String message, Long retryAfterMs,
                           JsonNode result) {
    /** The {@code type} of an error. */
    public static final String ERROR = "error";

    /** Reads a reply document. */
    public static CommandReply of(JsonNode reply) {
        return Json.mapper().convertValue(reply, CommandReply.class);
    }

    /** Whether the router refused the command. */
    public boolean isError() {
        return ERROR.equals(type);
    }

    /** A field of the result read as a record ({@code fault}), or null when it is absent or null. */
    public <T> T resultField(String field, Class<T> type) {
        JsonNode value = result == null ? null : result.get(field);
        return value == null || value.isNull() ? null : Json.mapper().convertValue(value, type);
    }

    /** A text field of the result ({@code state}), empty when it has none. */
    public String resultText(String field) {
        return result == null ? "" : result.path(field).asText("");
    }

    /** A whole-number field of the result ({@code disconnected}), 0 when it has none. */
    public long resultCount(String field) {
        return result == null ? 0 : result.path(field).asLong();
    }
}
