package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Operator commands refuse every out-of-range argument, naming the field and never quoting the value. */
@ExtendWith(NoLeakedThreads.class)
class MonitorCommandValidationTest {
    private static final String SECRET = "monitor-validation-secret-of-32-bytes!";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Router router;

    @BeforeAll
    static void start() {
        router = TestRouters.start(config -> config.jwtSecret(SECRET));
    }

    @AfterAll
    static void stop() {
        router.stop();
    }

    private static JsonNode run(String command) {
        try {
            return router.monitorCommand(JSON.readTree(command));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void assertRefused(String command, String message) {
        JsonNode reply = run(command);
        assertThat(reply.path("type").asText()).isEqualTo("error");
        assertThat(reply.path("code").asText()).isEqualTo("invalid_message");
        assertThat(reply.path("message").asText()).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"OFF\"", "\" off\"", "\"sideways\"", "5", "null", "[\"full\"]"})
    void refusesARolloutModeOutsideTheDocumentedSet(String mode) {
        assertRefused("{\"type\":\"set_rollout\",\"mode\":" + mode + ",\"candidate\":\"simulated\"}",
                "mode must be one of off, shadow, partial, full");
    }

    @Test
    void refusesAMissingModeWithoutAJavaClassName() {
        JsonNode reply = run("{\"type\":\"set_rollout\"}");
        assertThat(reply.path("message").asText()).isEqualTo("mode must be one of off, shadow, partial, full");
        assertThat(reply.toString()).doesNotContain("dev.switchboard", "Exception", "No enum");
    }

    @Test
    void refusesAnUnknownCandidateWithoutQuotingIt() {
        JsonNode reply = run("{\"type\":\"set_rollout\",\"mode\":\"partial\",\"candidate\":\"<script>x</script>\",\"percent\":5}");
        assertThat(reply.path("message").asText()).isEqualTo("candidate must be the name of a configured backend");
        assertThat(reply.toString()).doesNotContain("script");
        assertThat(router.backends().rollout().state().mode()).isEqualTo(Rollout.Mode.OFF);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"candidate\":null", ",\"candidate\":7", ",\"candidate\":\"\""})
    void requiresACandidateForEveryModeButOff(String candidate) {
        assertRefused("{\"type\":\"set_rollout\",\"mode\":\"shadow\"" + candidate + "}",
                "candidate is required for mode shadow: the name of a configured backend");
    }

    @Test
    void refusesACandidateWithModeOff() {
        assertRefused("{\"type\":\"set_rollout\",\"mode\":\"off\",\"candidate\":\"simulated\"}",
                "candidate must be absent or null when mode is off");
    }

    @ParameterizedTest
    @ValueSource(strings = {"101", "-1", "1.5", "1e30", "\"10\"", "10.0", "true", "123456789012345678901234567890"})
    void refusesAPercentThatIsNotAnIntegerFrom0To100(String percent) {
        assertRefused("{\"type\":\"set_rollout\",\"mode\":\"partial\",\"candidate\":\"simulated\",\"percent\":" + percent + "}",
                "percent must be an integer from 0 to 100");
    }

    @Test
    void setsAValidRolloutAndAnswersWithTheModeName() {
        JsonNode reply = run("{\"type\":\"set_rollout\",\"message_id\":\"r-1\",\"mode\":\"partial\",\"candidate\":\"simulated\",\"percent\":25}");
        assertThat(reply.path("result").path("mode").asText()).isEqualTo("partial");
        assertThat(reply.path("reply_to").asText()).isEqualTo("r-1");
        assertThat(router.backends().rollout().state().percent()).isEqualTo(25);
        assertThat(run("{\"type\":\"set_rollout\",\"mode\":\"off\"}").path("result").path("mode").asText()).isEqualTo("off");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e30", "1.5", "\"10\"", "0", "1000001", "1.0", "-5", "false"})
    void refusesAPerMinuteThatIsNotAnIntegerFrom1ToAMillion(String perMinute) {
        assertRefused("{\"type\":\"set_rate_limit\",\"user_id\":\"alice\",\"per_minute\":" + perMinute + "}",
                "per_minute must be an integer from 1 to 1000000");
        assertThat(router.protection().rateLimits().overrides()).doesNotContainKey("alice");
    }

    @Test
    void requiresPerMinuteOrAnExplicitNull() {
        assertRefused("{\"type\":\"set_rate_limit\",\"user_id\":\"alice\"}",
                "per_minute is required: an integer from 1 to 1000000, or null to remove the override");
        assertRefused("{\"type\":\"set_rate_limit\",\"user_id\":\"alice\",\"per_minute\":null,\"burst\":5}",
                "burst must be absent or null when per_minute is null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "61", "2.5", "\"5\"", "1e3"})
    void refusesABurstThatIsNotAnIntegerFrom1ToPerMinute(String burst) {
        assertRefused("{\"type\":\"set_rate_limit\",\"user_id\":\"alice\",\"per_minute\":60,\"burst\":" + burst + "}",
                "burst must be an integer from 1 to 60");
    }

    @Test
    void setsAndRemovesARateLimitOverride() {
        assertThat(run("{\"type\":\"set_rate_limit\",\"user_id\":\"bob\",\"per_minute\":60,\"burst\":6}")
                .path("result").path("user_id").asText()).isEqualTo("bob");
        assertThat(router.protection().rateLimits().overrides()).containsEntry("bob", new RateLimit(60, 6));
        run("{\"type\":\"set_rate_limit\",\"user_id\":\"carol\",\"per_minute\":30}");
        assertThat(router.protection().rateLimits().overrides()).containsEntry("carol", new RateLimit(30, 30));
        run("{\"type\":\"set_rate_limit\",\"user_id\":\"bob\",\"per_minute\":null}");
        assertThat(router.protection().rateLimits().overrides()).doesNotContainKey("bob");
    }

    @ParameterizedTest
    @ValueSource(strings = {"set_rate_limit", "disconnect_user", "issue_token"})
    void refusesAMalformedUserId(String type) {
        for (String userId : new String[] {"\"a b\"", "\"<script>\"", "5", "\"\"", "\"" + "u".repeat(65) + "\""}) {
            JsonNode reply = run("{\"type\":\"" + type + "\",\"user_id\":" + userId + ",\"per_minute\":10}");
            assertThat(reply.path("message").asText()).isEqualTo("user_id is required: 1 to 64 characters of [A-Za-z0-9._@-]");
            assertThat(reply.toString()).doesNotContain("script");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"c-1\\n\"", "\"<b>\"", "42", "\"\""})
    void refusesAMalformedConnectionId(String connectionId) {
        assertRefused("{\"type\":\"disconnect\",\"connection_id\":" + connectionId + "}",
                "connection_id is required: 1 to 128 characters of [A-Za-z0-9._:@-]");
    }

    @Test
    void refusesAnInvalidMessageIdWithoutReplyTo() {
        JsonNode reply = run("{\"type\":\"snapshot\",\"message_id\":\"<img src=x>\"}");
        assertThat(reply.path("message").asText()).isEqualTo("field 'message_id' must be 1 to 128 characters of [A-Za-z0-9._:@-]");
        assertThat(reply.has("reply_to")).isFalse();
    }

    @Test
    void anOperatorOnTheMonitorSocketSeesTheFieldNamedAndNothingEchoed() {
        String token = new TokenService(SECRET, Clock.systemUTC()).mint("oncall", Role.OPERATOR, Duration.ofMinutes(5));
        URI monitorUri = URI.create("ws://127.0.0.1:" + router.port() + "/monitor?token=" + token);
        try (WsClient monitor = WsClient.open(monitorUri, Map.of(), true)) {
            monitor.awaitType("monitor_snapshot");
            monitor.send(Map.of("type", "set_rollout", "message_id", "m-1", "mode", "<script>alert(1)</script>"));
            JsonNode mode = monitor.awaitReply("m-1");
            assertThat(mode.path("code").asText()).isEqualTo("invalid_message");
            assertThat(mode.path("message").asText()).isEqualTo("mode must be one of off, shadow, partial, full");
            monitor.send("{\"type\":\"set_rate_limit\",\"message_id\":\"m-2\",\"user_id\":\"alice\",\"per_minute\":1e30}");
            assertThat(monitor.awaitReply("m-2").path("message").asText()).isEqualTo("per_minute must be an integer from 1 to 1000000");
            monitor.send(Map.of("type", "snapshot", "message_id", "<script>"));
            JsonNode badId = monitor.await(m -> "error".equals(m.path("type").asText()) && !m.has("reply_to"));
            assertThat(badId.path("code").asText()).isEqualTo("invalid_message");
            // the refused set_rollout reaches every monitor as an operator_action (the set_rate_limit
            // after it, within the same second, is counted, not published)
            JsonNode audit = monitor.await(m -> m.path("events").findValues("action").stream()
                    .anyMatch(action -> action.asText().equals("set_rollout")));
            assertThat(audit.path("events").toString()).contains("\"mode\":\"(not an id: 25 characters)\"");
            assertThat(monitor.seen().toString()).doesNotContain("<script>", "alert(1)");
        }
    }
}
