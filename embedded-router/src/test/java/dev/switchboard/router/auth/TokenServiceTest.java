package dev.switchboard.router.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenServiceTest {
    static final String SECRET = "token-service-test-secret-of-32-bytes!!";
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final long NOW_S = NOW.getEpochSecond();
    private final TokenService tokens = new TokenService(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    /** A token with exactly these claims, signed with the test secret. */
    static String signed(String claimsJson) {
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(claimsJson));
        try {
            jws.sign(new MACSigner(SECRET));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }

    private AuthenticationFailed refusal(String token) {
        try {
            tokens.verify(token);
        } catch (AuthenticationFailed failed) {
            return failed;
        }
        throw new AssertionError("the token was accepted");
    }

    @Test
    void acceptsItsOwnTokensForEveryRole() throws AuthenticationFailed {
        assertThat(tokens.verify(tokens.mint("alice", Role.USER, Duration.ofHours(24))))
                .isEqualTo(new Principal("alice", Role.USER));
        assertThat(tokens.verify(tokens.mint("oncall", Role.VIEWER, Duration.ofDays(30))).role()).isEqualTo(Role.VIEWER);
        assertThat(tokens.verify(tokens.mint("ops", Role.OPERATOR, Duration.ofHours(8))).role()).isEqualTo(Role.OPERATOR);
    }

    @Test
    void refusesATokenOver8KiBBeforeParsingIt() {
        AuthenticationFailed failed = refusal("x".repeat(TokenService.MAX_TOKEN_CHARS + 1));
        assertThat(failed.reason()).isEqualTo("too_large");
        assertThat(failed.getMessage()).isEqualTo("token is longer than 8192 characters");
    }

    @Test
    void refusesATokenWhoseNotBeforeIsPastTheSkew() throws AuthenticationFailed {
        AuthenticationFailed failed = refusal(signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S + 3600) + ",\"nbf\":"
                + (NOW_S + 61) + "}"));
        assertThat(failed.reason()).isEqualTo("not_yet_valid");
        assertThat(failed.getMessage()).isEqualTo("token is not valid yet (its nbf is in the future)");
        assertThat(tokens.verify(signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S + 3600) + ",\"nbf\":" + (NOW_S + 59) + "}"))
                .userId()).as("within the 60 s skew").isEqualTo("alice");
    }

    @Test
    void refusesATokenWithoutExp() {
        AuthenticationFailed failed = refusal(signed("{\"sub\":\"alice\"}"));
        assertThat(failed.reason()).isEqualTo("no_exp");
        assertThat(failed.getMessage()).isEqualTo("token has no exp claim");
    }

    @Test
    void refusesAnExpiredTokenPastTheSkew() {
        AuthenticationFailed failed = refusal(signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S - 61) + "}"));
        assertThat(failed.reason()).isEqualTo("expired");
        assertThat(failed.getMessage()).isEqualTo("token has expired");
    }

    @Test
    void refusesAUserTokenThatExpiresMoreThanTheMaximumLifetimeFromNow() throws AuthenticationFailed {
        long day = Duration.ofHours(24).toSeconds();
        AuthenticationFailed failed = refusal(signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S + day + 61) + "}"));
        assertThat(failed.reason()).isEqualTo("too_long_lived");
        assertThat(failed.getMessage()).isEqualTo("a token without a role may expire at most 24h from now; this one expires later");
        assertThat(tokens.verify(signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S + day + 59) + "}")).userId()).isEqualTo("alice");
        assertThat(tokens.verify(signed("{\"sub\":\"ops\",\"role\":\"operator\",\"exp\":" + (NOW_S + 30 * day) + "}"))
                .role()).as("the limit is for chat users' tokens").isEqualTo(Role.OPERATOR);
    }

    @Test
    void takesTheSkewAndTheMaximumLifetimeFromItsConstructor() throws AuthenticationFailed {
        TokenService strict = new TokenService(SECRET, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, Duration.ofMinutes(10));
        assertThat(refusalFrom(strict, signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S + 601) + "}")).reason())
                .isEqualTo("too_long_lived");
        assertThat(refusalFrom(strict, signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S + 60) + ",\"nbf\":" + (NOW_S + 1) + "}"))
                .reason()).isEqualTo("not_yet_valid");
        assertThat(strict.verify(signed("{\"sub\":\"alice\",\"exp\":" + (NOW_S + 600) + "}")).userId()).isEqualTo("alice");
        assertThatThrownBy(() -> strict.mint("alice", Role.USER, Duration.ofMinutes(11)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a token without a role may live at most 10m (the router refuses longer-lived ones)");
    }

    private static AuthenticationFailed refusalFrom(TokenService service, String token) {
        try {
            service.verify(token);
        } catch (AuthenticationFailed failed) {
            return failed;
        }
        throw new AssertionError("the token was accepted");
    }

    @Test
    void refusesOutOfRangeConstructorArguments() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        assertThatThrownBy(() -> new TokenService(SECRET, clock, Duration.ofSeconds(-1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenService(SECRET, clock, Duration.ofMillis(1500), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenService(SECRET, clock, Duration.ofSeconds(60), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345", "[\"alice\"]", "{\"id\":\"alice\"}", "true", "\"al ice\"", "null"})
    void refusesASubjectThatIsNotAStringUserId(String sub) {
        AuthenticationFailed failed = refusal(signed("{\"sub\":" + sub + ",\"exp\":" + (NOW_S + 60) + "}"));
        assertThat(failed.reason()).isEqualTo("bad_user");
        assertThat(failed.getMessage()).doesNotContain("alice");
    }

    @Test
    void refusesATokenWithoutSubject() {
        assertThat(refusal(signed("{\"exp\":" + (NOW_S + 60) + "}")).getMessage()).isEqualTo("token has no sub claim");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"admin\"", "\"user\"", "\"Operator\"", "null", "1", "[\"operator\"]", "\"\""})
    void refusesARoleClaimThatIsNotViewerOrOperator(String role) {
        AuthenticationFailed failed = refusal(signed("{\"sub\":\"alice\",\"role\":" + role + ",\"exp\":" + (NOW_S + 60) + "}"));
        assertThat(failed.reason()).isEqualTo("bad_role");
        assertThat(failed.getMessage()).isEqualTo("token role claim must be viewer or operator, or absent for a chat user");
    }

    @Test
    void refusesAnotherSecretsSignature() {
        String forged = new TokenService("another-secret-that-is-32-bytes-long!!", Clock.fixed(NOW, ZoneOffset.UTC))
                .mint("alice", Role.USER, Duration.ofHours(1));
        assertThat(refusal(forged).reason()).isEqualTo("invalid");
        assertThat(refusal("not.a.jwt").reason()).isEqualTo("invalid");
    }

    @Test
    void mintRefusesAUserTokenLongerLivedThanVerifyAccepts() {
        assertThatThrownBy(() -> tokens.mint("alice", Role.USER, Duration.ofDays(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a token without a role may live at most 24h (the router refuses longer-lived ones)");
        assertThatThrownBy(() -> tokens.mint("alice", Role.USER, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
