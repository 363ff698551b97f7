package dev.switchboard.router.protection;

import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.MessageType;
import dev.switchboard.router.protection.internal.Classifier;
import dev.switchboard.router.protection.internal.MessageValidator;
import dev.switchboard.router.protection.internal.RateLimiter;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The protection pipeline before dispatch, in order: validation, classification, rate limiting.
 * (The fourth stage, the priority queue with TTL, is the {@link DispatchQueue} the transport feeds
 * with what this admits.) Also the runtime handle on the rate limits. The stages themselves
 * ({@code MessageValidator}, {@code Classifier}, {@code RateLimiter}) are machinery in
 * {@code protection.internal}.
 */
public final class Protection {
    private final MessageValidator validator;
    private final Classifier classifier;
    private final RateLimiter rateLimiter;
    private final ProtectionStats stats = new ProtectionStats();
    private volatile SharedLimits shared;

    /**
     * What the pipeline decided for one message.
     *
     * @param classification the message's class when admitted, else null
     * @param code           the error code when refused, else null
     * @param text           the error text when refused
     * @param retryAfterMs   for {@code rate_limited}, the wait until a token is back
     */
    public record Verdict(Classification classification, ErrorCode code, String text, long retryAfterMs) {
        public boolean admitted() {
            return code == null;
        }
    }

    /**
     * @param validation     what a message may hold
     * @param classification the classification rules, first match wins
     * @param fallback       the class of a message no rule matches
     * @param rateLimits     the token buckets' limits
     * @param clock          the clock the buckets refill by
     */
    public Protection(ValidationPolicy validation, List<ClassificationRule> classification, Classification fallback,
                      RateLimitPolicy rateLimits, Clock clock) {
        this.validator = new MessageValidator(Objects.requireNonNull(validation, "validation must not be null"));
        this.classifier = new Classifier(Objects.requireNonNull(classification, "classification must not be null"),
                Objects.requireNonNull(fallback, "fallback must not be null"));
        this.rateLimiter = new RateLimiter(Objects.requireNonNull(rateLimits, "rateLimits must not be null"),
                Objects.requireNonNull(clock, "clock must not be null"));
    }

    /** Runs validation, classification and rate limiting for one message of a connection. */
    public Verdict admit(String userId, String connectionId, ClientMessage message) {
        FrameRejection rejection = validator.validate(message);
        if (rejection != null) {
            stats.rejected(rejection.reason());
            return new Verdict(null, rejection.reason().code(), rejection.text(), 0);
        }
        Classification classification = classifier.classify(message);
        stats.classified(classification.priority());
        RateLimiter.Decision decision =
                rateLimiter.tryAcquire(userId, connectionId, MessageType.LIVENESS.contains(message.type()));
        if (!decision.admitted()) {
            return new Verdict(classification, ErrorCode.RATE_LIMITED, "rate limit exceeded; retry later",
                    decision.retryAfterMs());
        }
        return new Verdict(classification, null, null, 0);
    }

    /** For a trace: the tokens left in the buckets {@code message} took from (or was refused by). */
    public java.util.Map<String, Long> tokensLeft(String userId, String connectionId, ClientMessage message) {
        return rateLimiter.tokensLeft(userId, connectionId, MessageType.LIVENESS.contains(message.type()));
    }

    /** Makes per-user limits cluster-wide: {@link #admitShared} asks {@code limits} too; null undoes it. */
    public void share(SharedLimits limits) {
        this.shared = limits;
    }

    /**
     * The cluster-wide half of rate limiting for a message {@link #admit} let through: takes a token
     * from the user's shared bucket. Never blocks; a refusal is counted as the per-user bucket's.
     *
     * @return the final verdict, or null when nothing is shared now (the node is alone, or the shared
     *         buckets are unavailable and the node's own buckets decided alone); completes with
     *         {@code admitted} when the shared buckets did not answer in time
     */
    public CompletionStage<Verdict> admitShared(String userId, ClientMessage message, Verdict admitted) {
        SharedLimits limits = shared;
        if (limits == null || !limits.available()) {
            return null;
        }
        boolean liveness = MessageType.LIVENESS.contains(message.type());
        RateLimit limit = rateLimiter.userLimit(userId, liveness);
        String key = (liveness ? "live:" : "msg:") + limit.perMinute() + ":" + limit.burst() + ":" + userId;
        return limits.take(key, limit).handle((retryAfterMs, failure) -> {
            if (failure != null || retryAfterMs == null || retryAfterMs <= 0) {
                return admitted;
            }
            rateLimiter.refusedElsewhere(liveness);
            return new Verdict(admitted.classification(), ErrorCode.RATE_LIMITED, "rate limit exceeded; retry later",
                    retryAfterMs);
        });
    }

    /** Counts a refusal made outside {@link #admit} (frame size, binary, undecodable frames). */
    public void rejected(FrameRejection.Reason reason) {
        stats.rejected(reason);
    }

    /** Refusals by reason and messages by class since start. */
    public ProtectionStats stats() {
        return stats;
    }

    /** The rate limits in force, overrides included. */
    public RateLimitPolicy rateLimits() {
        return rateLimiter.limits();
    }

    /** Replaces every rate limit; live buckets keep their tokens (capped at the new burst). */
    public void rateLimits(RateLimitPolicy limits) {
        rateLimiter.update(limits);
    }

    /** Gives one user its own per-user limit, keeping the live bucket's tokens; null removes the override. */
    public void overrideRateLimit(String userId, RateLimit limit) {
        rateLimiter.override(userId, limit);
    }

    /**
     * Empties ({@code drain}) or fills ({@code !drain}) the per-user bucket of {@code userId} on
     * this node; it refills with time as usual.
     *
     * @return the tokens left in it
     */
    public long setUserBucket(String userId, boolean drain) {
        return rateLimiter.setUserBucket(userId, drain);
    }

    /** Drops a closed connection's bucket. */
    public void forgetConnection(String connectionId) {
        rateLimiter.forgetConnection(connectionId);
    }

    /** Drops every user's buckets that are full again (a new one would be identical); returns how many users. */
    public int sweepRateLimits() {
        return rateLimiter.sweep();
    }

    /** Users with a rate-limit bucket now. */
    public int rateLimitedUsers() {
        return rateLimiter.trackedUsers();
    }

    /** Messages refused by a rate limit since start, all buckets. */
    public long rateLimitedCount() {
        return rateLimiter.rejectedCount();
    }

    /** Messages refused by one kind of bucket since start ({@code user}, {@code connection}, {@code liveness}). */
    public long rateLimitedCount(String bucket) {
        return rateLimiter.rejectedCount(bucket);
    }
}
