package dev.switchboard.router.server;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.auth.TokenService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: runs the router until SIGTERM or SIGINT, then stops it gracefully (runs cancelled,
 * sockets closed with 1001) and exits 0. Settings: defaults, then {@code --config}, then flags.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the router server.")
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", description = "A router.yaml; flags override its values.")
    Path config;

    @Option(names = "--host", description = "Address to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "WebSocket port, 0 for any free one (default 8765).")
    Integer port;

    @Option(names = "--http-port", description = "Port of /health, /ready, /metrics; 0 for any, -1 for none "
            + "(default 8766).")
    Integer httpPort;

    @Option(names = "--dev-auth", negatable = true,
            description = "Accept ?user=<id> without a token. For development only (default off).")
    Boolean devAuth;

    @Option(names = "--idle-timeout", converter = DurationConverter.class,
            description = "Close connections idle this long with 1001 (default 300s).")
    Duration idleTimeout;

    @Option(names = "--startup-grace", converter = DurationConverter.class,
            description = "How long to hold messages while the agent warms up (default 10s).")
    Duration startupGrace;

    @Option(names = "--agent-step-ms", description = "Simulated agent: milliseconds between events (default 150).")
    Integer agentStepMs;

    @Option(names = "--agent-tools", description = "Simulated agent: tools per run (default 1).")
    Integer agentTools;

    @Option(names = "--agent-failure-rate", description = "Simulated agent: share of runs that fail, 0-1 (default 0).")
    Double agentFailureRate;

    @Option(names = "--agent-warmup-ms", description = "Simulated agent: warm-up time before ready (default 0).")
    Integer agentWarmupMs;

    @Option(names = "--max-connections",
            description = "Open connections at most; over it a handshake gets 503 (default: from ulimit -n).")
    Integer maxConnections;

    @Option(names = "--max-connections-per-user",
            description = "Connections one user may hold; over it a handshake gets 429 (default 16).")
    Integer maxConnectionsPerUser;

    @Option(names = "--max-pending-handshakes",
            description = "Sockets still handshaking at most; more are closed at once (default: from ulimit -n).")
    Integer maxPendingHandshakes;

    @Option(names = "--handshake-timeout", converter = DurationConverter.class,
            description = "Close a socket that has not completed its upgrade by then (default 10s).")
    Duration handshakeTimeout;

    @Option(names = "--max-header-bytes", description = "Handshake header bytes at most; over it 431 (default 16384).")
    Integer maxHeaderBytes;

    @Option(names = "--cluster", paramLabel = "redis://HOST:PORT[/DB]",
            description = "Join a cluster of router nodes over this Redis (password from SWITCHBOARD_REDIS_PASSWORD;"
                    + " rediss:// for TLS).")
    String cluster;

    @Option(names = "--node-id", description = "This node's name in the cluster (default <host>-<port>).")
    String nodeId;

    @Option(names = "--warmup", converter = DurationConverter.class,
            description = "Before listening, warm the JVM up this long on a private loopback router (default 0: off;"
                    + " the packaged router.yaml sets 10s).")
    Duration warmup;

    /** The flags given, as a configuration layer over the file's (unset flags are null). */
    private ConfigFile flags() {
        ConfigFile.Agent agent = new ConfigFile.Agent(agentStepMs, null, agentTools, agentFailureRate, agentWarmupMs);
        return new ConfigFile(host, port, httpPort, devAuth, null, null, null, null,
                startupGrace == null ? null : Math.toIntExact(startupGrace.toMillis()),
                null, null, agent, null, null, null, null, null, null, maxConnections, maxConnectionsPerUser,
                maxPendingHandshakes, handshakeTimeout == null ? null : Math.toIntExact(handshakeTimeout.toMillis()),
                null, maxHeaderBytes, null, null, null, null, null, null, null, null,
                cluster == null && nodeId == null ? null : new ConfigFile.Cluster(cluster, nodeId, null, null, null),
                null, null);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RouterConfig routerConfig;
        Duration warmupFor;
        try {
            ConfigFile file = config == null ? ConfigFile.empty() : ConfigFile.read(config);
            routerConfig = buildConfig(file);
            warmupFor = warmupFor(file);
        } catch (IOException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signals.onTermination(stopRequested::countDown);
        if (!warmupFor.isZero()) {
            warmUp(routerConfig, warmupFor, stopRequested, out, err);
            if (stopRequested.getCount() == 0) {
                out.println("Stopped during the warm-up; never listened");
                out.flush();
                return 0;
            }
        }
        Router router = Router.builder().config(routerConfig).build();
        try {
            router.start();
        } catch (IllegalStateException e) {
            err.println("error: " + e.getMessage());
            router.stop();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(router::stop, "switchboard-shutdown"));
        out.printf("Switchboard router listening on %s (dev auth %s)%n", router.clientUri(),
                routerConfig.devAuth() ? "on" : "off");
        if (router.httpPort() >= 0) {
            out.printf("Health and metrics on http://%s:%d (/health /ready /metrics)%n", routerConfig.host(),
                    router.httpPort());
        }
        if (routerConfig.cluster() != null) {
            out.printf("Cluster node %s over Redis at %s%n", router.nodeId(), routerConfig.cluster().redisForDisplay());
        }
        out.flush();
        stopRequested.await();
        out.println("Stopping: cancelling runs and closing connections");
        out.flush();
        router.stop();
        return 0;
    }

    private Duration warmupFor(ConfigFile file) {
        Duration fromFile = file.warmup(); // checked even when the flag overrides it
        if (warmup != null) {
            if (warmup.isNegative() || warmup.compareTo(Duration.ofSeconds(ConfigFile.MAX_WARMUP_SECONDS)) > 0) {
                throw new IllegalArgumentException("--warmup must be 0 to " + ConfigFile.MAX_WARMUP_SECONDS + "s");
            }
            return warmup;
        }
        return fromFile == null ? Duration.ZERO : fromFile;
    }

    /** Warms up; a warm-up that fails is reported and the router starts all the same. */
    private static void warmUp(RouterConfig routerConfig, Duration traffic, CountDownLatch stop, PrintWriter out,
                               PrintWriter err) throws InterruptedException {
        out.printf("Warming up for %s on a private loopback router before listening%n",
                traffic.toMillis() % 1000 == 0 ? traffic.toSeconds() + " s" : traffic.toMillis() + " ms");
        out.flush();
        try {
            Warmup.Result result = Warmup.run(routerConfig, traffic, stop);
            out.printf("Warmed up in %.1f s: %,d messages answered, %,d agent runs, %,d connections, %,d errors%s%n",
                    result.took().toMillis() / 1000.0, result.messages(), result.runs(), result.connections(),
                    result.errors(), result.jitQuiet() ? "" : " (the JIT was still compiling)");
        } catch (RuntimeException | LinkageError e) {
            err.println("warning: warm-up failed, starting cold: " + e);
        }
        out.flush();
        err.flush();
    }

    private RouterConfig buildConfig(ConfigFile file) {
        RouterConfig fromFile = file.applyTo(RouterConfig.builder().devAuth(false).build()).build();
        RouterConfig.Builder builder = flags().applyTo(fromFile);
        if (idleTimeout != null) {
            builder.idleTimeout(idleTimeout);
        }
        String secret = System.getenv(TokenService.SECRET_ENV);
        if (secret != null && !secret.isEmpty()) {
            builder.jwtSecret(TokenService.requireUsableSecret(secret));
        }
        return builder.build();
    }
}
