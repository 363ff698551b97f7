package dev.switchboard.router.server;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.RolloutSpec;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.transport.WarmupLoad;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Warms a just-started JVM up before the router takes its first user. A router of its own, built
 * from the deployed settings but listening on a private loopback port, taking only tokens signed
 * with a secret of its own, with no HTTP port, no cluster and the simulated agent (no backend is
 * called), takes a steady load of what users send ({@link WarmupLoad}). Then it is stopped, and the
 * real router starts in a JVM whose JIT has compiled the routing path and whose collector has sized
 * its young generation under load.
 *
 * <p>Without it a router's first minute of traffic is served by the interpreter and the JIT's
 * first tiers while the compiler threads take CPU from it; on two cores that shows in the tail
 * (performance.md, "Warming up before the first user"). Nothing of the warm-up shows in the real
 * router: its own metrics registry, its own ports, its users never seen by the real one.
 */
final class Warmup {
    /**
     * After the asked time the load goes on until the JIT has compiled nothing for this long: a
     * compilation still queued when the load stops is dropped as stale, and would then happen
     * under the first users' traffic...
     */
    private static final Duration JIT_QUIET = Duration.ofMillis(500);
    /** ...but not longer past the asked time than this, nor than the asked time itself. */
    private static final Duration JIT_WAIT_AT_MOST = Duration.ofSeconds(10);
    private static final RateLimit UNLIMITED = new RateLimit(100_000_000, 100_000_000);
    /** How long a warm-up client's token lives (or less, when the deployed settings allow less). */
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);

    /**
     * What the warm-up did.
     *
     * @param messages    replies and finished runs the clients got
     * @param runs        runs that ended with {@code agent_completed}
     * @param connections connections opened (each closed after its share of messages)
     * @param errors      {@code error} events the clients got and connections that failed (none is expected)
     * @param took        from the warm-up router's start to its stop
     * @param jitQuiet    whether the JIT fell quiet before the load stopped (else it stopped as
     *                    long past the asked time as it waits at most)
     */
    record Result(long messages, long runs, long connections, long errors, Duration took, boolean jitQuiet) {
    }

    private Warmup() {
    }

    /**
     * Runs the warm-up: {@code traffic} of load and on until the JIT is quiet (at most as long again,
     * and at most 10 s more), then the warm-up router is stopped. Ends at once (its router stopped)
     * when {@code stop} is counted down: {@code serve} was asked to stop.
     *
     * @throws IllegalStateException when the warm-up router cannot start or no message was answered
     */
    static Result run(RouterConfig deployed, Duration traffic, CountDownLatch stop) throws InterruptedException {
        return run(deployed, traffic, WarmupLoad.MESSAGES_PER_CONNECTION, stop);
    }

    /** {@link #run(RouterConfig, Duration, CountDownLatch)} with connections that close after {@code messagesPerConnection}. */
    static Result run(RouterConfig deployed, Duration traffic, int messagesPerConnection, CountDownLatch stop)
            throws InterruptedException {
        long started = System.nanoTime();
        RouterConfig config = privateCopy(deployed, randomSecret());
        Router router = Router.builder().config(config).build();
        try {
            router.start();
            TokenService tokens = new TokenService(config.jwtSecret(), Clock.systemUTC());
            Duration lifetime = config.maxTokenLifetime().compareTo(TOKEN_LIFETIME) < 0
                    ? config.maxTokenLifetime() : TOKEN_LIFETIME;
            WarmupLoad load = new WarmupLoad(router.clientUri(), user -> tokens.mint(user, Role.USER, lifetime),
                    Math.min(config.validation().maxStringChars(), config.softFrameLimit() - 256) - 64,
                    messagesPerConnection);
            load.start();
            boolean quiet;
            try {
                quiet = !stop.await(traffic.toNanos(), TimeUnit.NANOSECONDS)
                        && waitForQuietJit(traffic.compareTo(JIT_WAIT_AT_MOST) < 0 ? traffic : JIT_WAIT_AT_MOST, stop);
            } finally {
                load.stop();
            }
            if (load.messages() == 0) {
                throw new IllegalStateException("no warm-up message was answered by " + router.clientUri());
            }
            return new Result(load.messages(), load.runs(), load.connections(), load.errors(),
                    Duration.ofNanos(System.nanoTime() - started), quiet);
        } finally {
            router.stop();
        }
    }

    /**
     * The deployed settings with what must not leave the warm-up changed: a private loopback port,
     * no HTTP port, tokens signed with {@code secret} (no dev auth: another local process cannot
     * connect as anyone), no cluster, only the simulated agent (steps without delay, no failures),
     * no rollout, limits the clients cannot reach. Validation, classification, the queue, breakers,
     * frame limits and the trace sample stay as deployed, so that their code is what gets compiled.
     */
    static RouterConfig privateCopy(RouterConfig deployed, String secret) {
        return deployed.toBuilder()
                .host("127.0.0.1").port(0).httpPort(-1).devAuth(false).jwtSecret(secret).cluster(null)
                .backends(List.of()).rollout(RolloutSpec.off())
                .agent(deployed.agent().withStepDelay(Duration.ZERO).withFailureRate(0).withWarmUp(Duration.ZERO))
                .rateLimits(new RateLimitPolicy(UNLIMITED, UNLIMITED, UNLIMITED, Map.of()))
                .traceSample(deployed.traceSample())
                .build();
    }

    /** A secret of the warm-up's own, known to its clients only. */
    private static String randomSecret() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Waits until the JIT has compiled nothing for {@link #JIT_QUIET}; false when it gave up or was stopped first. */
    private static boolean waitForQuietJit(Duration atMost, CountDownLatch stop) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        long giveUpAt = System.nanoTime() + atMost.toNanos();
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < JIT_QUIET.toNanos()) {
            if (System.nanoTime() - giveUpAt >= 0) {
                return false;
            }
            if (stop.await(50, TimeUnit.MILLISECONDS)) {
                return false;
            }
            long now = jit.getTotalCompilationTime();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
        return true;
    }

}
