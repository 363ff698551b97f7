package dev.switchboard.router.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * Mints and verifies HS256 JWTs: {@code sub} is the user id, {@code exp} is enforced, and an
 * optional {@code role} claim is {@code viewer} or {@code operator}.
 */
public final class TokenService {
    /** The environment variable holding the shared secret (at least 32 bytes). */
    public static final String SECRET_ENV = "SWITCHBOARD_JWT_SECRET";
    /** HS256 needs a 256-bit key. */
    public static final int MIN_SECRET_BYTES = 32;

    private final byte[] secret;
    private final Clock clock;

    /**
     * @throws IllegalArgumentException when the secret is shorter than 32 bytes
     */
    public TokenService(String secret, Clock clock) {
        this.secret = requireUsableSecret(secret).getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
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

    /** A signed token for {@code userId} with {@code role}, valid for {@code ttl}. */
    public String mint(String userId, Role role, Duration ttl) {
        if (!Principal.isValidUserId(userId)) {
            throw new IllegalArgumentException("user id must be 1 to 64 characters of [A-Za-z0-9._@-]");
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

    /** Verifies signature, algorithm, expiry and subject; returns who the token speaks for. */
    public Principal verify(String token) throws AuthenticationFailed {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
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
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw new AuthenticationFailed("invalid", "token has no exp claim");
        }
        if (!clock.instant().isBefore(expires.toInstant())) {
            throw new AuthenticationFailed("expired", "token has expired");
        }
        String subject = claims.getSubject();
        if (!Principal.isValidUserId(subject)) {
            throw new AuthenticationFailed("bad_user", "token subject is not a valid user id");
        }
        Role role;
        try {
            role = Role.parse((String) claims.getClaim("role"));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new AuthenticationFailed("invalid", "token role is not user, viewer or operator");
        }
        return new Principal(subject, role);
    }
}
