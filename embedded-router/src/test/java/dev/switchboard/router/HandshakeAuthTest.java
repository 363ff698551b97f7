package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedThreads.class)
class HandshakeAuthTest {
    private static final String SECRET = "test-secret-of-at-least-thirty-two-bytes!";
    private static Router tokensOnly;
    private static Router devAndTokens;
    private static final TokenService TOKENS = new TokenService(SECRET, Clock.systemUTC());

    @BeforeAll
    static void startRouters() {
        tokensOnly = TestRouters.start(config -> config.devAuth(false).jwtSecret(SECRET));
        devAndTokens = TestRouters.start(config -> config.devAuth(true).jwtSecret(SECRET));
    }

    @AfterAll
    static void stopRouters() {
        tokensOnly.stop();
        devAndTokens.stop();
    }

    private static int refusedStatus(URI uri, Map<String, String> headers) {
        try {
            WsClient.openAsync(uri, headers, true).join().close();
            throw new AssertionError("the handshake to " + uri + " was accepted");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void shouldRejectHandshakeWithoutCredentials() {
        assertThat(refusedStatus(tokensOnly.clientUri(), Map.of())).isEqualTo(401);
        assertThat(tokensOnly.transportStats().handshakesRejected("missing")).isPositive();
    }

    @Test
    void shouldRejectHandshakeWithBadToken() {
        assertThat(refusedStatus(tokensOnly.clientUri(), Map.of("Authorization", "Bearer not.a.jwt"))).isEqualTo(401);
        String forged = new TokenService("another-secret-that-is-32-bytes-long!!", Clock.systemUTC())
                .mint("alice", Role.USER, Duration.ofHours(1));
        assertThat(refusedStatus(URI.create(tokensOnly.clientUri() + "?token=" + forged), Map.of())).isEqualTo(401);
    }

    @Test
    void shouldRejectHandshakeWhenTokenExpired() {
        TokenService past = new TokenService(SECRET, Clock.fixed(Instant.now().minusSeconds(7200), ZoneOffset.UTC));
        String expired = past.mint("alice", Role.USER, Duration.ofHours(1));
        assertThat(refusedStatus(tokensOnly.clientUri(), Map.of("Authorization", "Bearer " + expired))).isEqualTo(401);
        assertThat(tokensOnly.transportStats().handshakesRejected("expired")).isPositive();
    }

    @Test
    void shouldRejectDevUserWhenDevAuthIsOff() {
        assertThat(refusedStatus(URI.create(tokensOnly.clientUri() + "?user=alice"), Map.of())).isEqualTo(401);
    }

    @Test
    void shouldRejectMalformedUserIds() {
        assertThat(refusedStatus(URI.create(devAndTokens.clientUri() + "?user=al%20ice"), Map.of())).isEqualTo(401);
        assertThat(refusedStatus(URI.create(devAndTokens.clientUri() + "?user=" + "a".repeat(65)), Map.of()))
                .isEqualTo(401);
    }

    @Test
    void shouldRejectDotsAsADevUserAndARepeatedUserParameter() throws IOException {
        for (String query : new String[] {"?user=.", "?user=..", "?user=%2E%2E", "?user=alice&user=bob"}) {
            try (RawSocket socket = RawSocket.connect(devAndTokens.port())) {
                socket.write(RawSocket.request("/ws" + query, ""));
                assertThat(socket.readResponse()).as(query).startsWith("HTTP/1.1 401 ")
                        .containsPattern("\"reason\":\"(bad_user|bad_request)\"");
            }
        }
        try (RawSocket socket = RawSocket.connect(devAndTokens.port())) {
            socket.write(RawSocket.request("/ws?user=alice&user=bob", ""));
            assertThat(socket.readResponse()).contains("user and token may each be given once");
        }
    }

    @Test
    void acceptsABearerTokenAndTheTokenWinsOverUserParameter() {
        String token = TOKENS.mint("alice", Role.USER, Duration.ofMinutes(5));
        try (WsClient client = WsClient.open(URI.create(devAndTokens.clientUri() + "?user=mallory"),
                Map.of("Authorization", "Bearer " + token), true)) {
            assertThat(client.awaitType("connection_established").path("user_id").asText()).isEqualTo("alice");
        }
        try (WsClient client = WsClient.open(URI.create(tokensOnly.clientUri() + "?token=" + token), Map.of(), true)) {
            assertThat(client.awaitType("connection_established").path("user_id").asText()).isEqualTo("alice");
        }
    }

    @Test
    void answersWithARealHttp401AndJsonBody() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", tokensOnly.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 401 Unauthorized\r\n");
            assertThat(response).contains("WWW-Authenticate: Bearer").contains("\"reason\":\"missing\"");
            assertThat(response).doesNotContain("101");
        }
    }

    @Test
    void answersAnUnknownPathWith404() {
        URI wrong = URI.create("ws://127.0.0.1:" + devAndTokens.port() + "/elsewhere?user=alice");
        assertThat(refusedStatus(wrong, Map.of())).isEqualTo(404);
    }

    /** The raw HTTP response to a handshake on {@code /ws} with {@code Authorization: Bearer token}. */
    private static String handshakeResponse(String token) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", tokensOnly.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A token with exactly these claims, signed with the routers' secret. */
    private static String signed(String claimsJson) {
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(claimsJson));
        try {
            jws.sign(new MACSigner(SECRET));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }

    private static void assertRefusedWith(String token, String reason, String message) throws IOException {
        String response = handshakeResponse(token);
        assertThat(response).startsWith("HTTP/1.1 401 Unauthorized\r\n").doesNotContain("101 Switching");
        assertThat(response).contains("\"reason\":\"" + reason + "\"").contains("\"message\":\"" + message + "\"");
        assertThat(tokensOnly.transportStats().handshakesRejected(reason)).isPositive();
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    @Test
    void shouldRejectHandshakeWhenTokenIsOver8KiBBeforeParsingIt() throws IOException {
        assertRefusedWith("a".repeat(8193), "too_large", "token is longer than 8192 characters");
    }

    @Test
    void shouldRejectHandshakeWhenTokenIsNotValidYet() throws IOException {
        assertRefusedWith(signed("{\"sub\":\"alice\",\"exp\":" + (now() + 3600) + ",\"nbf\":" + (now() + 600) + "}"),
                "not_yet_valid", "token is not valid yet (its nbf is in the future)");
    }

    @Test
    void shouldRejectHandshakeWhenTokenHasNoExp() throws IOException {
        assertRefusedWith(signed("{\"sub\":\"alice\"}"), "no_exp", "token has no exp claim");
    }

    @Test
    void shouldRejectHandshakeWhenAUserTokenLivesLongerThan24Hours() throws IOException {
        assertRefusedWith(signed("{\"sub\":\"alice\",\"exp\":" + (now() + Duration.ofDays(30).toSeconds()) + "}"),
                "too_long_lived", "a token without a role may expire at most 24h from now; this one expires later");
    }

    @Test
    void shouldRejectHandshakeWhenSubjectIsNotAString() throws IOException {
        assertRefusedWith(signed("{\"sub\":12345,\"exp\":" + (now() + 600) + "}"), "bad_user",
                "token sub claim must be a string user id of 1 to 64 characters of [A-Za-z0-9._@-]");
    }

    @Test
    void shouldRejectHandshakeWhenRoleIsUnknownWithoutEchoingIt() throws IOException {
        String token = signed("{\"sub\":\"alice\",\"role\":\"superadmin\",\"exp\":" + (now() + 600) + "}");
        assertRefusedWith(token, "bad_role", "token role claim must be viewer or operator, or absent for a chat user");
        assertThat(handshakeResponse(token)).doesNotContain("superadmin");
    }

    @Test
    void acceptsATokenWhoseNotBeforeIsWithinTheClockSkew() {
        String token = signed("{\"sub\":\"alice\",\"exp\":" + (now() + 600) + ",\"nbf\":" + (now() + 30) + "}");
        try (WsClient client = WsClient.open(tokensOnly.clientUri(), Map.of("Authorization", "Bearer " + token), true)) {
            assertThat(client.awaitType("connection_established").path("user_id").asText()).isEqualTo("alice");
        }
    }
}
