package dev.switchboard.router.protection;

import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.MessageType;
import java.util.Objects;

/**
 * The protection pipeline before dispatch, in order: validation, classification, rate limiting.
 * (The fourth stage, the priority queue with TTL, is the {@link DispatchQueue} the transport feeds
 * with what this admits.) Also the runtime handle on limits and rules.
 */
public final class Protection {
    private volatile MessageValidator validator;
    private final RateLimiter rateLimiter;
    private final ProtectionStats stats = new ProtectionStats();
    private volatile Classifier classifier;

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

    public Protection(MessageValidator validator, Classifier classifier, RateLimiter rateLimiter) {
        this.validator = Objects.requireNonNull(validator, "validator must not be null");
        this.classifier = Objects.requireNonNull(classifier, "classifier must not be null");
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter must not be null");
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

    /** Counts a refusal made outside {@link #admit} (frame size, binary, undecodable frames). */
    public void rejected(FrameRejection.Reason reason) {
        stats.rejected(reason);
    }

    public ProtectionStats stats() {
        return stats;
    }

    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    public Classifier classifier() {
        return classifier;
    }

    /** Replaces the classification rules at runtime. */
    public void classifier(Classifier replacement) {
        this.classifier = Objects.requireNonNull(replacement, "classifier must not be null");
    }

    public MessageValidator validator() {
        return validator;
    }

    /** Replaces the validation policy at runtime. */
    public void validation(ValidationPolicy policy) {
        this.validator = new MessageValidator(policy);
    }
}
