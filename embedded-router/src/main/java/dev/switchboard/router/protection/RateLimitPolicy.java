package dev.switchboard.router.protection;

import java.util.Map;
import java.util.Objects;

/**
 * The rate limits in force: one {@link RateLimit} per kind of token bucket, and per-user overrides.
 *
 * @param user       per user, ordinary messages
 * @param connection per connection, ordinary messages
 * @param liveness   per user, {@code ping} and {@code heartbeat}
 * @param overrides  per-user limits that replace {@code user} for those users
 */
public record RateLimitPolicy(RateLimit user, RateLimit connection, RateLimit liveness,
                              Map<String, RateLimit> overrides) {
    public RateLimitPolicy {
        Objects.requireNonNull(user, "user must not be null");
        Objects.requireNonNull(connection, "connection must not be null");
        Objects.requireNonNull(liveness, "liveness must not be null");
        overrides = Map.copyOf(overrides);
    }

    /** 100/min burst 20 per user and per connection; 120/min burst 20 for liveness; no overrides. */
    public static RateLimitPolicy defaults() {
        return new RateLimitPolicy(RateLimit.messageDefaults(), RateLimit.messageDefaults(), RateLimit.livenessDefaults(),
                Map.of());
    }

    /** A copy with one user's override set, or removed when {@code limits} is null. */
    public RateLimitPolicy withOverride(String userId, RateLimit limits) {
        Map<String, RateLimit> copy = new java.util.HashMap<>(overrides);
        if (limits == null) {
            copy.remove(userId);
        } else {
            copy.put(userId, limits);
        }
        return new RateLimitPolicy(user, connection, liveness, copy);
    }
}
