package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A frame's {@code protection}: breakers, rate limits, queue policy, backends and rollout. Listed in
 * {@code src/docs/protocol.md}.
 *
 * @param breakers   handler and backend breakers by name: {@code closed}, {@code open},
 *                   {@code half_open}, {@code forced_open} or {@code forced_closed}
 * @param rateLimits the rate limits in force
 * @param queue      the dispatch queue's policy
 * @param strategy   how a backend is chosen
 * @param backends   the agent backends
 * @param rollout    the rollout of a candidate backend
 * @param forced     the breakers an operator forced open or closed, by name (absent from older routers: empty)
 * @param squeezed   the users an operator squeezed, by user (absent from older routers: empty)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProtectionState(Map<String, String> breakers, RateLimits rateLimits, Queue queue, String strategy,
                              List<Backend> backends, Rollout rollout, Map<String, ForcedBreaker> forced,
                              Map<String, Squeezed> squeezed) {

    public ProtectionState {
        breakers = breakers == null ? Map.of() : breakers;
        backends = backends == null ? List.of() : backends;
        forced = forced == null ? Map.of() : forced;
        squeezed = squeezed == null ? Map.of() : squeezed;
    }

    /**
     * A user an operator squeezed, until {@code expires_at} or a {@code reset}.
     *
     * @param queuePerUser messages it may have queued, or null when not squeezed there
     * @param outboxFrames frames each of its connections may have unsent, or null when not squeezed there
     * @param expiresAt    when it is lifted by itself
     * @param by           who set it
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Squeezed(Integer queuePerUser, Integer outboxFrames, Instant expiresAt, String by) {
    }

    /**
     * A breaker an operator forced, until {@code expires_at} or a {@code reset}.
     *
     * @param state     {@code forced_open} or {@code forced_closed}
     * @param expiresAt when it goes back to normal by itself
     * @param by        who forced it (the subject of the operator's token)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ForcedBreaker(String state, Instant expiresAt, String by) {
    }

    /**
     * The rate limits in force.
     *
     * @param user       per user, all connections together
     * @param connection per connection
     * @param liveness   for {@code ping} and {@code heartbeat}
     * @param overrides  per-user overrides set by an operator, by user id
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RateLimits(Limit user, Limit connection, Limit liveness, Map<String, Limit> overrides) {
        public RateLimits {
            overrides = overrides == null ? Map.of() : overrides;
        }
    }

    /**
     * A token bucket.
     *
     * @param perMinute messages a minute, sustained
     * @param burst     messages at once
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Limit(long perMinute, long burst) {
    }

    /**
     * The dispatch queue's policy.
     *
     * @param capacity messages it holds
     * @param perUser  messages one user may have in it
     * @param ttlMs    how long a message may wait, per priority, in ms
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Queue(int capacity, int perUser, Map<String, Long> ttlMs) {
        public Queue {
            ttlMs = ttlMs == null ? Map.of() : ttlMs;
        }
    }

    /**
     * An agent backend.
     *
     * @param name             its name
     * @param healthy          whether it takes runs
     * @param breaker          its breaker's state
     * @param inFlight         runs it serves now
     * @param runs             runs it served
     * @param failures         runs that failed on it
     * @param averageLatencyMs its mean run time, rounded to ms
     * @param kind             {@code simulated} or {@code http} (null in sessions saved before http backends)
     * @param url              an http backend's URL without user info or query, else null
     * @param p50LatencyMs     median run time over its last 512 runs
     * @param p95LatencyMs     95th percentile run time over its last 512 runs
     * @param lastFailure      its latest failed run or health check, or null
     * @param fault            the fault an operator injected, or null
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Backend(String name, boolean healthy, String breaker, int inFlight, long runs, long failures,
                          long averageLatencyMs, String kind, String url, long p50LatencyMs, long p95LatencyMs,
                          Failure lastFailure, Fault fault) {
    }

    /**
     * A fault an operator injected into a backend, until {@code expires_at} or a {@code reset}.
     *
     * @param paused      no run goes to it
     * @param latencyMs   the wait before each call
     * @param failureRate the share of calls failed instead of made
     * @param expiresAt   when it is lifted by itself
     * @param by          who injected it
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Fault(boolean paused, long latencyMs, double failureRate, Instant expiresAt, String by) {
    }

    /**
     * Why a backend last failed.
     *
     * @param reason {@code backend_unavailable}, {@code timeout}, {@code backend_stream_ended},
     *               {@code unhealthy} or the run's error text
     * @param detail what happened in words ({@code HTTP 500 from …}, {@code connection refused}), or null
     * @param at     when
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failure(String reason, String detail, Instant at) {
    }

    /**
     * The rollout of a candidate backend.
     *
     * @param mode            {@code off}, {@code shadow}, {@code partial} or {@code full}
     * @param candidate       the candidate backend, or null when off
     * @param percent         the share of runs it serves in partial mode
     * @param changedAt       when the mode last changed
     * @param rollbackReason  why the SLA guard rolled it back, or null
     * @param candidateWindow the candidate's recent runs
     * @param stableWindow    the stable backends' recent runs
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rollout(String mode, String candidate, int percent, Instant changedAt, String rollbackReason,
                          SlaWindow candidateWindow, SlaWindow stableWindow) {
    }

    /**
     * What the SLA guard sees of recent runs.
     *
     * @param samples     runs in the window
     * @param p95Ms       their 95th percentile duration in ms
     * @param successRate the share that completed, 0 to 1
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SlaWindow(int samples, long p95Ms, double successRate) {
    }
}
