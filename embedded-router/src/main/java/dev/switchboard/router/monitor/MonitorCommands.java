package dev.switchboard.router.monitor;

import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.Squeezes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The operator actions the monitor can take on the router. */
public interface MonitorCommands {

    /**
     * The cluster as this node sees it ({@code cluster_nodes}; read-only, allowed to viewers), with
     * the nodes holding {@code userId} when it is not null.
     */
    ClusterView clusterNodes(String userId);

    /** Closes one connection with 1000; returns whether it existed. */
    boolean disconnect(String connectionId);

    /** Closes every connection of a user; returns how many. */
    int disconnectUser(String userId);

    /**
     * Sets the rollout.
     *
     * @throws IllegalArgumentException for an unknown candidate or a bad percentage
     */
    void rollout(Rollout.Mode mode, String candidate, int percent);

    /** Gives a user its own rate limit; null removes it. */
    void rateLimit(String userId, RateLimit limits);

    /**
     * How to open a client connection as {@code userId}: a token for that user with role user,
     * valid for {@link UserAccess#TOKEN_TTL}, when the router has a JWT secret; dev auth when it has
     * none but accepts {@code ?user=}.
     *
     * @throws IllegalArgumentException for a malformed user id
     * @throws IllegalStateException    when the router accepts neither tokens nor dev auth
     */
    UserAccess issueToken(String userId);

    /**
     * {@link #issueToken} for many users, logged once: in the order given; every one dev auth when
     * the router has no JWT secret but accepts {@code ?user=}.
     */
    List<UserAccess> issueTokens(List<String> userIds);

    /**
     * The kept traces of {@code userId}'s message {@code messageId}, or (messageId null) of the run
     * {@code runId}, newest first; empty when none was sampled or all were dropped from the ring.
     */
    List<TraceRecord> traces(String userId, String messageId, String runId);

    /**
     * Traces every message of {@code userId} for {@code forTime} (at most an hour), whatever the
     * sample; a zero time stops it.
     *
     * @return until when, or null when stopped
     * @throws IllegalStateException when too many users are traced already
     */
    Instant traceUser(String userId, Duration forTime);

    /**
     * Forces the breaker {@code name} open or closed for {@code forTime}, then back to normal; or
     * puts it back to normal now ({@link Breakers.Force#RESET}).
     *
     * @param by who asked (the subject of the operator's token)
     * @return the forced state, or null after a reset
     * @throws IllegalArgumentException when the router has no breaker of that name
     */
    Breakers.Forced breaker(String name, Breakers.Force action, java.time.Duration forTime, String by);

    /**
     * Injects a fault into the backend {@code name} for {@code forTime}, then lifts it; or lifts it
     * now ({@code fault} null).
     *
     * @param fault what to inject (its {@code expiresAt} and {@code by} are set here), or null to lift
     * @return the fault injected, or null after a lift
     * @throws IllegalArgumentException when the router has no backend of that name
     */
    /**
     * Empties ({@code drain}) or fills the per-user rate-limit bucket of {@code userId} on this node.
     *
     * @return the tokens left in it
     */
    long userBucket(String userId, boolean drain);

    /**
     * Squeezes {@code userId} for {@code forTime}: room for {@code queuePerUser} queued messages and
     * {@code outboxFrames} unsent frames per connection (either null: not squeezed there), then
     * lifts it; both null lifts it now.
     *
     * @return the squeeze, or null after a lift
     */
    Squeezes.Squeeze squeeze(String userId, Integer queuePerUser, Integer outboxFrames, java.time.Duration forTime,
                             String by);

    AgentBackend.Fault backendFault(String name, AgentBackend.Fault fault, java.time.Duration forTime, String by);
}
