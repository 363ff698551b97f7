package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where and how the simulate panel's virtual users connect: the client endpoint of the router the
 * console is attached to and, when that router wants tokens, one per user. Found by asking the
 * feed how to connect as the scenario's first user (the monitor command {@code issue_token}):
 * <ul>
 *   <li>a router with dev auth (the embedded one) answers {@code dev_auth}: users connect with
 *       {@code ?user=};</li>
 *   <li>a router with a JWT secret answers with a token: each user gets its own, minted here with
 *       the secret from the named environment variable when one is given (valid 12 hours), else
 *       issued by the router, a thousand to a command (valid 5 minutes: all are fetched again in
 *       the background once 240 s old, and every reconnect asks for its user's token anew);</li>
 *   <li>a saved session, or a router that refuses ({@code forbidden} for a viewer's token), cannot
 *       be simulated against; the failure says why.</li>
 * </ul>
 *
 * @param clientUri the router's {@code ws://host:port/ws}, without a query
 * @param tokens    user id → bearer token, or null for dev auth
 * @param how       how users authenticate, for the panel: "dev auth (?user=)", "a token each, …"
 */
public record SimulationTarget(URI clientUri, Function<String, String> tokens, String how) {
    private static final Duration MINTED_TTL = Duration.ofHours(12);
    /** Router-issued tokens live 5 minutes; once they are this old, all are fetched again in the background. */
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(240);
    /** Past this age a token may expire before its handshake is done: the fresh ones are waited for. */
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(285);
    /** Users per {@code issue_token} command: the router takes at most 1,000. */
    private static final int ISSUE_BATCH = 1_000;

    public SimulationTarget {
        Objects.requireNonNull(clientUri, "clientUri must not be null");
        Objects.requireNonNull(how, "how must not be null");
    }

    /**
     * Finds the target for {@code scenario} through {@code feed}. Completes exceptionally, with
     * the reason as the message, when users cannot connect.
     *
     * @param secretEnv name of an environment variable holding the router's JWT secret, or blank
     * @param env       reads environment variables ({@code System::getenv})
     */
    public static CompletionStage<SimulationTarget> resolve(ConsoleFeed feed, Scenario scenario, String secretEnv,
                                                           UnaryOperator<String> env) {
        String unavailable = feed.injectionUnavailable();
        if (unavailable != null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "simulation needs a live router: " + unavailable));
        }
        List<String> users = userIds(scenario);
        return feed.userEndpoint(users.get(0)).handle((endpoint, failure) -> {
            if (failure != null) {
                throw new IllegalStateException("cannot connect as a user: " + reason(failure)
                        + " — simulation needs a router with dev auth, or an operator token", failure);
            }
            return endpoint;
        }).thenCompose(endpoint -> {
            URI clientUri = withoutQuery(endpoint.uri());
            if (endpoint.bearerToken() == null) {
                return CompletableFuture.completedFuture(
                        new SimulationTarget(clientUri, null, "dev auth (?user=)"));
            }
            if (secretEnv != null && !secretEnv.isBlank()) {
                return CompletableFuture.completedFuture(minted(clientUri, secretEnv.trim(), env));
            }
            return issued(feed, clientUri, users);
        });
    }

    private static SimulationTarget minted(URI clientUri, String secretEnv, UnaryOperator<String> env) {
        String secret = env.apply(secretEnv);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("environment variable " + secretEnv + " is not set");
        }
        TokenService service = new TokenService(secret, Clock.systemUTC());
        return new SimulationTarget(clientUri, user -> service.mint(user, Role.USER, MINTED_TTL),
                "a token each, minted with $" + secretEnv + " (valid 12 h)");
    }

    /**
     * Asks the router for every user's token before the start, {@value #ISSUE_BATCH} users to a
     * command (one command each would pass the monitor's command rate, 10 a second, at once), so
     * connecting waits on none; at 240 s all are fetched again in the background.
     */
    private static CompletionStage<SimulationTarget> issued(ConsoleFeed feed, URI clientUri, List<String> users) {
        IssuedTokens issued = new IssuedTokens(feed, users);
        return issued.refresh().handle((done, failure) -> {
            if (failure != null) {
                throw new IllegalStateException("the router did not issue the users' tokens: " + reason(failure), failure);
            }
            return new SimulationTarget(clientUri, issued::token, "a token each, issued by the router (valid 5 min;"
                    + " for longer runs name the JWT secret's environment variable)");
        });
    }

    /**
     * The users' router-issued tokens, fetched in batches; once they are 240 s old (they live 300 s)
     * all are fetched again in the background while the old ones are still handed out, so no
     * connect waits for it. A user the batches did not name is fetched alone.
     */
    private static final class IssuedTokens {
        private final ConsoleFeed feed;
        private final List<String> users;
        /** The background refresh under way, or null. */
        private CompletableFuture<Void> inFlight;
        /** Users fetched alone (the scenario's ids did not name them), refreshed with the others. */
        private final java.util.Set<String> extra = ConcurrentHashMap.newKeySet();
        private volatile Map<String, String> tokens = Map.of();
        private volatile long fetchedAtNanos;

        IssuedTokens(ConsoleFeed feed, List<String> users) {
            this.feed = feed;
            this.users = List.copyOf(users);
        }

        /** Fetches every user's token, one command per batch, one batch after the other. */
        CompletionStage<Void> refresh() {
            Map<String, String> fresh = new ConcurrentHashMap<>();
            long startedAt = System.nanoTime();
            List<String> all = new ArrayList<>(users);
            all.addAll(extra);
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int from = 0; from < all.size(); from += ISSUE_BATCH) {
                List<String> batch = all.subList(from, Math.min(all.size(), from + ISSUE_BATCH));
                chain = chain.thenCompose(done -> issue(batch, 0)).thenAccept(fresh::putAll);
            }
            return chain.thenRun(() -> {
                synchronized (this) {
                    Map<String, String> merged = new HashMap<>(tokens);
                    merged.putAll(fresh);
                    tokens = merged;
                    fetchedAtNanos = startedAt;
                }
            });
        }

        /** One batch's tokens; a monitor that is busy (a snapshot in flight, the command rate) is asked again. */
        private CompletableFuture<Map<String, String>> issue(List<String> batch, int attempt) {
            return feed.command(issueTokens(batch)).toCompletableFuture().thenCompose(reply -> {
                if (reply.path("code").asText().equals("rate_limited") && attempt < 5) {
                    long waitMs = Math.max(100, reply.path("retry_after_ms").asLong(200));
                    return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS))
                            .thenCompose(waited -> issue(batch, attempt + 1));
                }
                return CompletableFuture.completedFuture(tokensOf(reply, batch));
            });
        }

        /** The user's token: the one fetched last (refreshed in the background when old), or fetched now. */
        String token(String user) {
            String token = tokens.get(user);
            if (token != null) {
                long age = System.nanoTime() - fetchedAtNanos;
                if (age <= REFRESH_NANOS) {
                    return token;
                }
                CompletableFuture<Void> refreshing = refreshing();
                if (age <= STALE_NANOS) {
                    return token; // valid a while yet: the refresh goes on in the background
                }
                try {
                    // about to expire (nobody asked since the refresh was due): wait for the fresh ones
                    refreshing.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("no fresh token for " + user + ": " + reason(e), e);
                }
                return tokens.get(user);
            }
            try {
                String fetched = issue(List.of(user), 0).get(30, TimeUnit.SECONDS).get(user);
                extra.add(user);
                synchronized (this) {
                    Map<String, String> merged = new HashMap<>(tokens);
                    merged.put(user, fetched);
                    tokens = merged;
                }
                return fetched;
            } catch (Exception e) {
                throw new IllegalStateException("no token for " + user + ": " + reason(e), e);
            }
        }

        /** The refresh under way, started now if none is. */
        private synchronized CompletableFuture<Void> refreshing() {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = refresh().toCompletableFuture();
            }
            return inFlight;
        }

        private static ObjectNode issueTokens(List<String> batch) {
            ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "issue_token");
            batch.forEach(command.putArray("user_ids")::add);
            return command;
        }

        private static Map<String, String> tokensOf(JsonNode reply, List<String> batch) {
            if (reply.path("type").asText().equals("error")) {
                throw new IllegalStateException("the router refused: " + reply.path("code").asText() + " ("
                        + reply.path("message").asText() + ")");
            }
            JsonNode issued = reply.path("result").path("tokens");
            Map<String, String> tokens = new HashMap<>();
            for (String user : batch) {
                if (!issued.path(user).isTextual()) {
                    throw new IllegalStateException("the router issued no token for " + user);
                }
                tokens.put(user, issued.path(user).asText());
            }
            return tokens;
        }
    }

    /**
     * The ids the simulation gives the scenario's users. Mirrors {@code Simulation.start}
     * ({@code <prefix>-<n>}); a mismatch costs only a token fetched at connect time.
     */
    static List<String> userIds(Scenario scenario) {
        return scenario.userIds();
    }

    private static URI withoutQuery(URI uri) {
        try {
            return new URI(uri.getScheme(), uri.getUserInfo(), uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a usable client URI: " + uri, e);
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
