package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where and how to open a client connection as a user, on the router's ordinary {@code /ws}
 * endpoint: the URI (with {@code ?user=} under dev auth) and, with a token, the bearer token to send
 * in the handshake's {@code Authorization} header.
 *
 * @param userId      the user the connection will be
 * @param uri         {@code ws://host:port/ws}, with {@code ?user=<id>} under dev auth
 * @param bearerToken a short-lived token for the user, or null under dev auth
 */
public record UserEndpoint(String userId, URI uri, String bearerToken) {

    public UserEndpoint {
        Objects.requireNonNull(userId, "userId must not be null");
        Objects.requireNonNull(uri, "uri must not be null");
    }

    /**
     * Reads the router's answer to the monitor command {@code issue_token}.
     *
     * @param clientUri the router's {@code ws://host:port/ws}
     * @throws IllegalStateException when the router refused (the reason in the message)
     */
    public static UserEndpoint fromIssueToken(URI clientUri, String userId, JsonNode reply) {
        if (reply.path("type").asText().equals("error")) {
            throw new IllegalStateException("the router refused: " + reply.path("code").asText() + " ("
                    + reply.path("message").asText() + ")");
        }
        JsonNode result = reply.path("result");
        if (result.path("dev_auth").asBoolean()) {
            return new UserEndpoint(userId, URI.create(clientUri + "?user="
                    + URLEncoder.encode(userId, StandardCharsets.UTF_8)), null);
        }
        if (result.path("token").isTextual()) {
            return new UserEndpoint(userId, clientUri, result.path("token").asText());
        }
        throw new IllegalStateException("the router answered issue_token with neither a token nor dev_auth");
    }

    /** The command asking the router how to connect as {@code userId}. */
    static JsonNode issueToken(String userId) {
        return JsonNodeFactory.instance.objectNode()
                .put("type", "issue_token").put("user_id", userId);
    }
}
