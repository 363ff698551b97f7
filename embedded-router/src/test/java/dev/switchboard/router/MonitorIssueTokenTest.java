package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitor's {@code issue_token} command: an operator gets a short-lived token that opens a real
 * client connection as a user (what the console's inject panel connects with); a viewer is refused.
 */
@ExtendWith(NoLeakedThreads.class)
class MonitorIssueTokenTest {
    private static final String SECRET = "issue-token-test-secret-of-32-bytes-or-more";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TokenService tokens = new TokenService(SECRET, Clock.systemUTC());

    private URI monitorUri(Router router, Role role) {
        return URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token="
                + tokens.mint("oncall", role, Duration.ofMinutes(5)));
    }

    private static ObjectNode command(String userId) {
        return JSON.createObjectNode().put("type", "issue_token").put("message_id", "t-1").put("user_id", userId);
    }

    @Test
    void aViewerIsForbiddenToIssueATokenAndGetsNone() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET));
             WsClient monitor = WsClient.open(monitorUri(router, Role.VIEWER), Map.of(), true)) {
            monitor.awaitType("monitor_snapshot");
            monitor.send(command("alice").toString());
            JsonNode refused = monitor.awaitReply("t-1");
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(refused.has("result")).isFalse();
        }
    }

    @Test
    void anOperatorGetsAFiveMinuteUserTokenThatOpensAClientConnectionAsThatUser() throws Exception {
        // dev auth off: the token is the only way in
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET).devAuth(false));
             WsClient monitor = WsClient.open(monitorUri(router, Role.OPERATOR), Map.of(), true)) {
            monitor.awaitType("monitor_snapshot");
            Instant before = Instant.now();
            monitor.send(command("alice").toString());
            JsonNode reply = monitor.awaitReply("t-1");
            assertThat(reply.path("type").asText()).isEqualTo("command_result");
            JsonNode result = reply.path("result");
            assertThat(result.path("user_id").asText()).isEqualTo("alice");
            assertThat(result.has("dev_auth")).isFalse();
            String token = result.path("token").asText();
            assertThat(tokens.verify(token)).isEqualTo(new Principal("alice", Role.USER));
            assertThat(Instant.parse(result.path("expires_at").asText()))
                    .isBetween(before.plus(Duration.ofMinutes(5)).minusSeconds(1), Instant.now().plus(Duration.ofMinutes(5)));

            try (WsClient alice = WsClient.open(router.clientUri(), Map.of("Authorization", "Bearer " + token), true)) {
                JsonNode established = alice.awaitType("connection_established");
                assertThat(established.path("user_id").asText()).isEqualTo("alice");
                alice.assertUsable();
            }
        }
    }

    @Test
    void oneCommandIssuesTheTokensOfManyUsersWhichTheAuditCountsButNeverShows() throws Exception {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET).devAuth(false));
             WsClient monitor = WsClient.open(monitorUri(router, Role.OPERATOR), Map.of(), true)) {
            monitor.awaitType("monitor_snapshot");
            ObjectNode many = JSON.createObjectNode().put("type", "issue_token").put("message_id", "t-many");
            for (int i = 0; i < 1_000; i++) {
                many.withArray("user_ids").add("sim-" + i);
            }
            monitor.send(many.toString());
            JsonNode result = monitor.awaitReply("t-many").path("result");
            assertThat(result.path("tokens").size()).isEqualTo(1_000);
            assertThat(tokens.verify(result.path("tokens").path("sim-999").asText()))
                    .isEqualTo(new Principal("sim-999", Role.USER));
            assertThat(Instant.parse(result.path("expires_at").asText())).isAfter(Instant.now());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> monitor.seen().stream()
                    .anyMatch(frame -> frame.path("events").toString().contains("issue_token")));
            JsonNode audited = monitor.seen().stream()
                    .filter(frame -> frame.path("events").toString().contains("issue_token")).findFirst().orElseThrow();
            assertThat(audited.toString()).doesNotContain(result.path("tokens").path("sim-0").asText())
                    .contains("\"tokens\":1000");

            many.withArray("user_ids").add("one-too-many");
            many.put("message_id", "t-over");
            monitor.send(many.toString());
            assertThat(monitor.awaitReply("t-over").path("code").asText()).isEqualTo("invalid_message");
            monitor.send(JSON.createObjectNode().put("type", "issue_token").put("message_id", "t-bad")
                    .set("user_ids", JSON.createArrayNode().add("ok").add("not ok")).toString());
            assertThat(monitor.awaitReply("t-bad").path("code").asText()).isEqualTo("invalid_message");
        }
    }

    @Test
    void aRouterWithDevAuthAnswersDevAuthForManyUsersToo() {
        try (Router router = TestRouters.start()) {
            ObjectNode many = JSON.createObjectNode().put("type", "issue_token");
            many.withArray("user_ids").add("a").add("b");
            JsonNode result = router.monitorCommand(many).path("result");
            assertThat(result.path("dev_auth").asBoolean()).isTrue();
            assertThat(result.has("tokens")).isFalse();
        }
    }

    @Test
    void anIssuedUserTokenCannotWatchTheMonitor() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET))) {
            String token = router.monitorCommand(command("alice")).path("result").path("token").asText();
            URI monitor = URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token=" + token);
            try {
                WsClient.openAsync(monitor, Map.of(), true).join().close();
                throw new AssertionError("accepted");
            } catch (CompletionException e) {
                assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(403);
            }
        }
    }

    @Test
    void aRouterWithoutASecretButWithDevAuthAnswersDevAuth() {
        try (Router router = TestRouters.start()) {
            ObjectNode reply = router.monitorCommand(command("alice"));
            assertThat(reply.path("type").asText()).isEqualTo("command_result");
            assertThat(reply.path("result").path("dev_auth").asBoolean()).isTrue();
            assertThat(reply.path("result").has("token")).isFalse();
            assertThat(reply.path("result").path("user_id").asText()).isEqualTo("alice");
        }
    }

    @Test
    void aRouterWithNeitherSecretNorDevAuthAnswersUnavailable() {
        try (Router router = TestRouters.start(config -> config.devAuth(false))) {
            ObjectNode reply = router.monitorCommand(command("alice"));
            assertThat(reply.path("type").asText()).isEqualTo("error");
            assertThat(reply.path("code").asText()).isEqualTo("unavailable");
            assertThat(reply.path("message").asText()).contains("neither tokens", "nor dev auth");
            assertThat(reply.path("reply_to").asText()).isEqualTo("t-1");
        }
    }

    @Test
    void aMissingOrMalformedUserIdIsAnInvalidMessage() {
        try (Router router = TestRouters.start(config -> config.jwtSecret(SECRET))) {
            assertThat(router.monitorCommand(command("not a user id")).path("code").asText()).isEqualTo("invalid_message");
            ObjectNode missing = JSON.createObjectNode().put("type", "issue_token");
            assertThat(router.monitorCommand(missing).path("code").asText()).isEqualTo("invalid_message");
        }
    }
}
