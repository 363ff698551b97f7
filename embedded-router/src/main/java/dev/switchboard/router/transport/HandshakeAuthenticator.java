package dev.switchboard.router.transport;

import dev.switchboard.router.auth.AuthenticationFailed;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Decides who a handshake speaks for: a valid {@code Authorization: Bearer} or {@code ?token=} JWT
 * always wins; otherwise {@code ?user=} when dev auth is on; otherwise nobody.
 */
final class HandshakeAuthenticator {
    /** Marks a query parameter given more than once (a prefix no decoded name can start with). */
    private static final String REPEATED = "\u0000repeated:";
    private final TokenService tokens;
    private final boolean devAuth;

    /**
     * @param tokens  verifies JWTs, or null when no secret is configured (every token is refused)
     * @param devAuth whether {@code ?user=} is accepted
     */
    HandshakeAuthenticator(TokenService tokens, boolean devAuth) {
        this.tokens = tokens;
        this.devAuth = devAuth;
    }

    /**
     * @param uri           the request's URI (path and query)
     * @param authorization the {@code Authorization} header, or null
     */
    Principal authenticate(String uri, String authorization) throws AuthenticationFailed {
        Map<String, String> query = query(uri);
        if (query.containsKey(REPEATED + "user") || query.containsKey(REPEATED + "token")) {
            throw new AuthenticationFailed("bad_request", "user and token may each be given once");
        }
        String token = bearer(authorization);
        if (token == null) {
            token = query.get("token");
        }
        if (token != null && !token.isEmpty()) {
            if (tokens == null) {
                throw new AuthenticationFailed("invalid", "this router accepts no tokens: no secret is configured");
            }
            return tokens.verify(token);
        }
        String user = query.get("user");
        if (user == null) {
            throw new AuthenticationFailed("missing",
                    devAuth ? "a token or ?user= is required" : "an Authorization: Bearer token is required");
        }
        if (!devAuth) {
            throw new AuthenticationFailed("dev_auth_off", "?user= is accepted only with dev auth; send a token");
        }
        if (!Principal.isValidUserId(user)) {
            throw new AuthenticationFailed("bad_user", Principal.USER_ID_RULE);
        }
        return new Principal(user, Role.USER);
    }

    private static String bearer(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    /** The path of a resource descriptor, without its query. */
    static String path(String descriptor) {
        int question = descriptor.indexOf('?');
        return question < 0 ? descriptor : descriptor.substring(0, question);
    }

    static Map<String, String> query(String descriptor) {
        Map<String, String> parameters = new HashMap<>();
        int question = descriptor.indexOf('?');
        if (question < 0) {
            return parameters;
        }
        for (String pair : descriptor.substring(question + 1).split("&")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (parameters.putIfAbsent(name, value) != null) {
                parameters.put(REPEATED + name, "");
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
