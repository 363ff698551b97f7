package dev.switchboard.router;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.BackendPool;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.connections.CloseCodes;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.monitor.MonitorCommands;
import dev.switchboard.router.monitor.UserAccess;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.Squeezes;
import dev.switchboard.router.trace.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an operator's monitor commands do to the router: disconnects, rollouts, rate limits, user tokens. */
final class OperatorCommands implements MonitorCommands {
    private static final Logger log = LoggerFactory.getLogger(OperatorCommands.class);
    private static final String DISCONNECTED = "disconnected by an operator";
    private static final String HANDLER_BREAKER = "handler:";

    private final ConnectionRegistry connections;
    private final BackendPool pool;
    private final Protection protection;
    private final Supplier<TokenService> tokens;
    private final boolean devAuth;
    private final Clock clock;
    private final Function<String, ClusterView> cluster;
    private final Breakers breakers;
    private final Squeezes squeezes;
    /** Whether a message type has a handler (its breaker may be forced before its first message). */
    private final Predicate<String> handles;
    /** Runs a task once after a delay (the router's scheduler). */
    private final BiFunction<Runnable, Duration, Future<?>> later;
    /** Each forced breaker's and injected fault's expiry, one each: a later one or an undo cancels the earlier. */
    private final Map<String, Future<?>> expiries = new HashMap<>();
    private final Tracer tracer;

    /**
     * @param tokens  the token service once the router started (null inside: no JWT secret)
     * @param devAuth whether {@code ?user=} is accepted
     * @param cluster the cluster as this node sees it, for a user or (null) none
     */
    OperatorCommands(ConnectionRegistry connections, BackendPool pool, Protection protection,
                     Supplier<TokenService> tokens, boolean devAuth, Clock clock, Function<String, ClusterView> cluster,
                     Breakers breakers, Predicate<String> handles, Squeezes squeezes,
                     BiFunction<Runnable, Duration, Future<?>> later, Tracer tracer) {
        this.tracer = tracer;
        this.squeezes = squeezes;
        this.handles = handles;
        this.cluster = cluster;
        this.breakers = breakers;
        this.later = later;
        this.connections = connections;
        this.pool = pool;
        this.protection = protection;
        this.tokens = tokens;
        this.devAuth = devAuth;
        this.clock = clock;
    }

    @Override
    public ClusterView clusterNodes(String userId) {
        return cluster.apply(userId);
    }

    @Override
    public boolean disconnect(String connectionId) {
        return connections.close(connectionId, CloseCodes.NORMAL, DISCONNECTED);
    }

    @Override
    public int disconnectUser(String userId) {
        return connections.closeUser(userId, CloseCodes.NORMAL, DISCONNECTED);
    }

    @Override
    public void rollout(Rollout.Mode mode, String candidate, int percent) {
        pool.rollout(mode, candidate, percent);
    }

    @Override
    public void rateLimit(String userId, RateLimit limits) {
        protection.overrideRateLimit(userId, limits);
    }

    @Override
    public Breakers.Forced breaker(String name, Breakers.Force action, Duration forTime, String by) {
        if (name.startsWith(HANDLER_BREAKER) && handles.test(name.substring(HANDLER_BREAKER.length()))) {
            breakers.watchedBreaker(name); // a handler's breaker is made at its first message: an operator may be first
        }
        synchronized (expiries) {
            Breakers.Forced forced = breakers.force(name, action, clock.instant().plus(forTime), by);
            expireLater("breaker " + name, forced == null ? null : () -> {
                if (breakers.expire(name, forced)) {
                    log.info("breaker {}: {} by {} expired, back to normal", name, forced.state(), forced.by());
                }
            }, forTime);
            return forced;
        }
    }

    @Override
    public Squeezes.Squeeze squeeze(String userId, Integer queuePerUser, Integer outboxFrames, Duration forTime,
                                    String by) {
        synchronized (expiries) {
            Squeezes.Squeeze squeeze = queuePerUser == null && outboxFrames == null ? null
                    : new Squeezes.Squeeze(queuePerUser, outboxFrames, clock.instant().plus(forTime), by);
            squeezes.set(userId, squeeze);
            expireLater("user " + userId, squeeze == null ? null : () -> {
                if (squeezes.lift(userId, squeeze)) {
                    log.info("user {}: the squeeze set by {} expired, back to normal", userId, squeeze.by());
                }
            }, forTime);
            return squeeze;
        }
    }

    @Override
    public long userBucket(String userId, boolean drain) {
        return protection.setUserBucket(userId, drain);
    }

    @Override
    public AgentBackend.Fault backendFault(String name, AgentBackend.Fault fault, Duration forTime, String by) {
        AgentBackend backend = pool.backend(name);
        if (backend == null) {
            throw new IllegalArgumentException("no backend " + name);
        }
        synchronized (expiries) {
            AgentBackend.Fault injected = fault == null ? null : new AgentBackend.Fault(fault.paused(),
                    fault.latencyMs(), fault.failureRate(), clock.instant().plus(forTime), by);
            backend.fault(injected);
            expireLater("backend " + name, injected == null ? null : () -> {
                if (backend.liftFault(injected)) {
                    log.info("backend {}: the fault injected by {} expired, back to normal", name, injected.by());
                }
            }, forTime);
            return injected;
        }
    }

    /**
     * Runs {@code expire} after {@code delay} in place of whatever was to expire under {@code key}
     * (a later force or fault replaces the earlier's expiry; null {@code expire} only cancels it).
     * Called holding {@link #expiries}.
     */
    private void expireLater(String key, Runnable expire, Duration delay) {
        Future<?> earlier;
        if (expire == null) {
            earlier = expiries.remove(key);
        } else {
            Future<?>[] expiry = new Future<?>[1];
            // the task (on the scheduler's thread, a second or more from now) takes the lock first,
            // so it sees expiry[0] set
            try {
                expiry[0] = later.apply(() -> {
                    synchronized (expiries) {
                        expiries.remove(key, expiry[0]);
                    }
                    expire.run();
                }, delay);
            } catch (RejectedExecutionException e) {
                expire.run(); // nothing may stay forced without its expiry
                throw new IllegalStateException("the router is stopping");
            }
            earlier = expiries.put(key, expiry[0]);
        }
        if (earlier != null) {
            earlier.cancel(false);
        }
    }

    @Override
    public UserAccess issueToken(String userId) {
        UserAccess access = access(userId);
        if (access.token() != null) {
            log.info("monitor issue_token: a {} token for user {}", UserAccess.TOKEN_TTL, userId);
        }
        return access;
    }

    @Override
    public List<UserAccess> issueTokens(List<String> userIds) {
        List<UserAccess> issued = userIds.stream().map(this::access).toList();
        if (!issued.isEmpty() && issued.get(0).token() != null) {
            log.info("monitor issue_token: {} tokens of {} for users {} … {}", issued.size(), UserAccess.TOKEN_TTL,
                    userIds.get(0), userIds.get(userIds.size() - 1));
        }
        return issued;
    }

    @Override
    public List<TraceRecord> traces(String userId, String messageId, String runId) {
        return tracer.find(userId, messageId, runId);
    }

    @Override
    public Instant traceUser(String userId, Duration forTime) {
        Instant until = tracer.traceUser(userId, forTime);
        log.info("monitor trace_user: {} {}", userId, until == null ? "no longer traced" : "traced until " + until);
        return until;
    }

    private UserAccess access(String userId) {
        if (!Principal.isValidUserId(userId)) {
            throw new IllegalArgumentException("user_id must be 1 to 64 characters of [A-Za-z0-9._@-]");
        }
        TokenService service = tokens.get();
        if (service != null) {
            Instant expiresAt = clock.instant().plus(UserAccess.TOKEN_TTL);
            String token = service.mint(userId, Role.USER, UserAccess.TOKEN_TTL);
            return UserAccess.token(userId, token, expiresAt);
        }
        if (devAuth) {
            return UserAccess.devAuth(userId);
        }
        throw new IllegalStateException("this router accepts neither tokens (no JWT secret) nor dev auth:"
                + " no way to connect as a user");
    }
}
