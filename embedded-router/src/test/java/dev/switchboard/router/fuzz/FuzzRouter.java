package dev.switchboard.router.fuzz;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.support.TestRouters;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Routers for fuzzing: the test config (loopback, free ports, dev auth, 5 ms agent steps) with rate
 * limits raised out of reach, so that {@code rate_limited} never hides what the rest of the
 * pipeline does with a frame. Every other limit keeps its default.
 */
final class FuzzRouter {
    /** A billion tokens a minute and in a burst: a million-frame run never empties a bucket. */
    static final RateLimit OUT_OF_REACH = new RateLimit(1_000_000_000L, 1_000_000_000L);
    static final RateLimitPolicy LIMITS = new RateLimitPolicy(OUT_OF_REACH, OUT_OF_REACH, OUT_OF_REACH, Map.of());

    private FuzzRouter() {
    }

    /**
     * Starts a router and waits until it is ready: agent runs ({@code user_message},
     * {@code start_agent}) answer {@code unavailable} before that, also in-process.
     */
    static Router start() {
        return start(UnaryOperator.identity());
    }

    static Router start(UnaryOperator<RouterConfig.Builder> change) {
        return TestRouters.start(config -> change.apply(config.rateLimits(LIMITS)));
    }
}
