package dev.switchboard.router.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Mints and verifies HS256 JWTs. A token is refused, each time with its own {@link AuthenticationFailed#reason()}:
 * over {@value #MAX_TOKEN_CHARS} characters ({@code too_large}, before any parsing); not a JWT, not
 * HS256 or badly signed ({@code invalid}); without {@code exp} ({@code no_exp}); expired
 * ({@code expired}) or with {@code nbf} in the future ({@code not_yet_valid}), both judged by nimbus's
 * {@link DefaultJWTClaimsVerifier} on the injected clock with a clock skew; {@code sub} missing, not a
 * JSON string or not a user id ({@code bad_user}); a {@code role} claim present but not
 * {@code viewer} or {@code operator} ({@code bad_role}); a chat user's token (no role) whose
 * {@code exp} is more than the maximum user lifetime (plus the skew) after now ({@code too_long_lived}).
 */
public final class TokenService {
    /** The environment variable holding the shared secret (at least 32 bytes). */
    public static final String SECRET_ENV = "SWITCHBOARD_JWT_SECRET";
    /** HS256 needs a 256-bit key. */
    public static final int MIN_SECRET_BYTES = 32;
    /** Longer tokens are refused before parsing (8 KiB; a JWT is ASCII, so characters are bytes). */
    public static final int MAX_TOKEN_CHARS = 8192;
    /** How far the issuer's clock may be from the router's when judging {@code exp} and {@code nbf}. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** How far after now a chat user's token may expire. */
    public static final Duration DEFAULT_MAX_USER_LIFETIME = Duration.ofHours(24);

    private final byte[] secret;
    private final Clock clock;
    private final Duration clockSkew;
    private final Duration maxUserLifetime;
    private final ClockedClaimsVerifier claimsVerifier;

    /**
     * A service with the default clock skew (60 s) and maximum user-token lifetime (24 h).
     *
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes
     */
    public TokenService(String secret, Clock clock) {
        this(secret, clock, DEFAULT_CLOCK_SKEW, DEFAULT_MAX_USER_LIFETIME);
    }

    /**
     * @param secret          the HS256 secret, at least 32 bytes
     * @param clock           the router's clock, for {@code exp}, {@code nbf} and minting
     * @param clockSkew       leeway for {@code exp} and {@code nbf}, 0 to 1 hour, whole seconds
     * @param maxUserLifetime how far after now a chat user's token (no role) may expire; positive;
     *                        {@link #mint} refuses longer user tokens too
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes or a duration is out of range
     */
    public TokenService(String secret, Clock clock, Duration clockSkew, Duration maxUserLifetime) {
        this.secret = requireUsableSecret(secret).getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew must not be null");
        this.maxUserLifetime = Objects.requireNonNull(maxUserLifetime, "maxUserLifetime must not be null");
        if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofHours(1)) > 0 || clockSkew.getNano() != 0) {
            throw new IllegalArgumentException("clockSkew must be 0 to 1 hour, in whole seconds");
        }
        if (maxUserLifetime.isNegative() || maxUserLifetime.isZero()) {
            throw new IllegalArgumentException("maxUserLifetime must be positive");
        }
        this.claimsVerifier = new ClockedClaimsVerifier(clock);
        claimsVerifier.setMaxClockSkew((int) clockSkew.toSeconds());
    }

    /**
     * Checks that {@code secret} can sign HS256 tokens.
     *
     * @throws IllegalArgumentException when it is shorter than 32 bytes
     */
    public static String requireUsableSecret(String secret) {
        Objects.requireNonNull(secret, "secret must not be null");
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    SECRET_ENV + " must be at least " + MIN_SECRET_BYTES + " bytes for HS256");
        }
        return secret;
    }

    /**
     * A signed token for {@code userId} with {@code role}, valid for {@code ttl}.
     *
     * @throws IllegalArgumentException for a malformed user id, a ttl that is not positive, or a
     *                                  {@link Role#USER} token longer-lived than this service accepts
     */
    public String mint(String userId, Role role, Duration ttl) {
        if (!Principal.isValidUserId(userId)) {
            throw new IllegalArgumentException("user id must be 1 to 64 characters of [A-Za-z0-9._@-]");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        if (role == Role.USER && ttl.compareTo(maxUserLifetime) > 0) {
            throw new IllegalArgumentException("a token without a role may live at most " + describe(maxUserLifetime)
                    + " (the router refuses longer-lived ones)");
        }
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(userId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (role != Role.USER) {
            claims.claim("role", role.wire());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (KeyLengthException e) {
            throw new IllegalStateException("secret too short", e);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /** Verifies size, signature, algorithm, time claims, subject, role and lifetime; returns who the token speaks for. */
    public Principal verify(String token) throws AuthenticationFailed {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new AuthenticationFailed("too_large", "token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationFailed("invalid", "token is not a JWT");
        }
        try {
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(secret))) {
                throw new AuthenticationFailed("invalid", "token signature is not valid");
            }
        } catch (JOSEException e) {
            throw new AuthenticationFailed("invalid", "token signature is not valid");
        }
        // read the claims only once the signature holds; sub's JSON type is judged on the payload
        // itself, since nimbus turns a numeric sub into a string
        Map<String, Object> raw = jwt.getPayload().toJSONObject();
        if (raw == null) {
            throw new AuthenticationFailed("invalid", "token payload is not a JSON object");
        }
        Object subject = raw.get("sub");
        if (subject == null) {
            throw new AuthenticationFailed("bad_user", "token has no sub claim");
        }
        if (!(subject instanceof String userId) || !Principal.isValidUserId(userId)) {
            throw new AuthenticationFailed("bad_user",
                    "token sub claim must be a string user id of 1 to 64 characters of [A-Za-z0-9._@-]");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
            claimsVerifier.verify(claims, null);
        } catch (ParseException e) {
            throw new AuthenticationFailed("invalid", "token claims are not valid JWT claims");
        } catch (BadJWTException e) {
            throw refusal(e);
        }
        Role role = role(raw);
        if (role == Role.USER) {
            Instant latestExpiry = clock.instant().plus(maxUserLifetime).plus(clockSkew);
            if (claims.getExpirationTime().toInstant().isAfter(latestExpiry)) {
                throw new AuthenticationFailed("too_long_lived", "a token without a role may expire at most "
                        + describe(maxUserLifetime) + " from now; this one expires later");
            }
        }
        return new Principal(userId, role);
    }

    /** The role claim: absent means a chat user; present, it must be the string viewer or operator. */
    private static Role role(Map<String, Object> raw) throws AuthenticationFailed {
        if (!raw.containsKey("role")) {
            return Role.USER;
        }
        Object claim = raw.get("role");
        if (claim instanceof String text && (text.equals(Role.VIEWER.wire()) || text.equals(Role.OPERATOR.wire()))) {
            return Role.parse(text);
        }
        throw new AuthenticationFailed("bad_role",
                "token role claim must be viewer or operator, or absent for a chat user");
    }

    /**
     * Names the rule nimbus's verifier refused the claims for. Its messages are the only way it
     * tells them apart; {@code TokenServiceTest} pins each one, so a changed message fails a test.
     */
    private static AuthenticationFailed refusal(BadJWTException e) {
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("JWT missing required claims")) {
            return new AuthenticationFailed("no_exp", "token has no exp claim");
        }
        if (message.equals("Expired JWT")) {
            return new AuthenticationFailed("expired", "token has expired");
        }
        if (message.equals("JWT before use time")) {
            return new AuthenticationFailed("not_yet_valid", "token is not valid yet (its nbf is in the future)");
        }
        return new AuthenticationFailed("invalid", "token claims are not valid");
    }

    /** A duration as an operator writes it: 24h, 90m, 45s. */
    private static String describe(Duration duration) {
        if (duration.toSeconds() % 3600 == 0) {
            return duration.toHours() + "h";
        }
        if (duration.toSeconds() % 60 == 0) {
            return duration.toMinutes() + "m";
        }
        return duration.toSeconds() + "s";
    }

    /** nimbus's claims verifier ({@code exp} required, {@code exp}/{@code nbf} with skew) on the router's clock. */
    private static final class ClockedClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final Clock clock;

        ClockedClaimsVerifier(Clock clock) {
            super(null, Set.of(JWTClaimNames.EXPIRATION_TIME));
            this.clock = clock;
        }

        @Override
        protected Date currentTime() {
            return Date.from(clock.instant());
        }
    }
}
