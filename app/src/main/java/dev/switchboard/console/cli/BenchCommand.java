package dev.switchboard.console.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.bench.Bench;
import dev.switchboard.router.protocol.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: the router against a bare echo server, each in a JVM of its own, in alternating rounds. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the router against a bare Java-WebSocket echo server on loopback, each in a JVM of its own,"
                + " in alternating rounds.")
public final class BenchCommand implements Callable<Integer> {
    /** {@code JAVA_OPTS} of the shipped service ({@code packaging/router/router.env}). */
    static final String SERVER_JAVA_OPTIONS = "-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=50";

    @Spec
    CommandSpec spec;

    @Option(names = "--connections", defaultValue = "32", description = "Load connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--size", defaultValue = "256", description = "Request frame bytes (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--window", defaultValue = "4",
            description = "Closed loop: requests outstanding per connection (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--warmup-s", defaultValue = "5",
            description = "Sockets and runs: each server's warm-up before its first round; backend: before each phase, s"
                    + " (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--measure-s", defaultValue = "3",
            description = "Sockets and runs: each round's measured part; backend: each measured phase, s"
                    + " (default: ${DEFAULT-VALUE}).")
    double measureSeconds;

    @Option(names = "--lead-in-s", defaultValue = "1",
            description = "Sockets and runs: each round's unmeasured start, s (default: ${DEFAULT-VALUE}).")
    double leadInSeconds;

    @Option(names = "--pairs", defaultValue = "5",
            description = "Sockets and runs: pairs of alternating echo/router rounds per phase (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--tail-rate", defaultValue = "8000",
            description = "Sockets: the fixed open-loop rate of the tail phase, msg/s; 0 skips it (default: ${DEFAULT-VALUE}).")
    double tailRate;

    @Option(names = "--server-java-options", defaultValue = SERVER_JAVA_OPTIONS, paramLabel = "OPTIONS",
            description = "Sockets, runs and backend: options of the echo's and the router's JVMs (default: the shipped"
                    + " launcher's, \"${DEFAULT-VALUE}\").")
    String serverJavaOptions;

    @Option(names = "--run-users", defaultValue = "32", description = "Runs: users (default: ${DEFAULT-VALUE}).")
    int runUsers;

    @Option(names = "--run-window", defaultValue = "2",
            description = "Runs: runs each user keeps in flight at saturation (default: ${DEFAULT-VALUE}).")
    int runWindow;

    @Option(names = "--pipeline-forks", defaultValue = "3",
            description = "In-process pipeline (JMH): forks, JVMs per benchmark (default: ${DEFAULT-VALUE}).")
    int pipelineForks;

    @Option(names = "--pipeline-rounds", defaultValue = "5",
            description = "In-process pipeline (JMH): measured one-second iterations per fork, after three warm-up"
                    + " ones; the median of all is reported"
                    + " (default: ${DEFAULT-VALUE}).")
    int pipelineRounds;

    @Option(names = "--idle", defaultValue = "20000",
            description = "Idle connections for the memory check, 0 to skip (default: ${DEFAULT-VALUE}).")
    int idle;

    @Option(names = "--active", defaultValue = "5000",
            description = "Connections sending one ping a second each for the memory check (with the idle phase), 0 to"
                    + " skip it (default: ${DEFAULT-VALUE}).")
    int active;

    @Option(names = "--smoke", description = "A few seconds in all (CI): 4 connections, short phases, 200 idle connections.")
    boolean smoke;

    @Option(names = "--backend-runs", defaultValue = "1000",
            description = "Most concurrent runs on the http backend phase; 0 skips it (default: ${DEFAULT-VALUE}).")
    int backendRuns;

    @Option(names = "--backend-gap-ms", defaultValue = "200",
            description = "The example service's pause before each event in the latency phase, ms (default: ${DEFAULT-VALUE}).")
    long backendGapMs;

    @Option(names = "--only", split = ",", paramLabel = "PHASE",
            description = "Run only these phases: pipeline, sockets, runs, idle, backend, cluster (default: all but cluster,"
                    + " which needs a Redis).")
    java.util.Set<String> only;

    @Option(names = "--redis", paramLabel = "redis://HOST:PORT",
            description = "Cluster phase: the Redis the nodes share (default: start redis-server from PATH on a free port).")
    String redis;

    @Option(names = "--cluster-users", defaultValue = "200",
            description = "Cluster phase: users, each with a connection on every node (default: ${DEFAULT-VALUE}).")
    int clusterUsers;

    @Option(names = "--cluster-rate", defaultValue = "5000",
            description = "Cluster phase: cross-node events/s of the latency rounds (default: ${DEFAULT-VALUE}).")
    double clusterRate;

    @Option(names = "--cluster-rounds", defaultValue = "3",
            description = "Cluster phase: latency rounds, and pairs of three-node/two-node rounds (default: ${DEFAULT-VALUE}).")
    int clusterRounds;

    @Option(names = "--cluster-round-s", defaultValue = "5",
            description = "Cluster phase: each round and saturation step, s (default: ${DEFAULT-VALUE}).")
    double clusterRoundSeconds;

    @Option(names = "--cluster-warmup-s", defaultValue = "45",
            description = "Cluster phase: runs at the latency rate before each cluster's first round, s: fresh node"
                    + " JVMs share the cores while they compile, for about a minute after they start (default:"
                    + " ${DEFAULT-VALUE}).")
    double clusterWarmupSeconds;

    @Option(names = "--cluster-steps", defaultValue = "8",
            description = "Cluster phase: saturation steps at most, at 2, 3, ... times --cluster-rate (default: ${DEFAULT-VALUE}).")
    int clusterSteps;

    @Option(names = "--cluster-p99-limit-ms", defaultValue = "100",
            description = "Cluster phase: a saturation step whose cross-node p99 passes this no longer counts"
                    + " (default: ${DEFAULT-VALUE}).")
    double clusterP99LimitMs;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path report;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        java.util.Set<String> phases = only != null ? only : Bench.Settings.ALL;
        Bench.ClusterSettings cluster = smoke
                ? new Bench.ClusterSettings(redis, Math.min(clusterUsers, 10), Math.min(clusterRate, 300), 1,
                        Duration.ofMillis(700), Duration.ofMillis(500), Math.min(clusterSteps, 1), clusterP99LimitMs)
                : new Bench.ClusterSettings(redis, clusterUsers, clusterRate, clusterRounds, seconds(clusterRoundSeconds),
                        seconds(clusterWarmupSeconds), clusterSteps, clusterP99LimitMs);
        java.util.List<String> serverJvm = java.util.Arrays.stream(serverJavaOptions.trim().split("\\s+"))
                .filter(option -> !option.isEmpty()).toList();
        Bench.Settings settings = smoke
                ? new Bench.Settings(4, size, 2, Duration.ofMillis(300), Duration.ofMillis(700), 1, 1, Duration.ofMillis(200),
                        Math.min(idle, 200), Math.min(active, 50), Duration.ofSeconds(1),
                        Math.min(backendRuns, 20), backendGapMs, phases, cluster,
                        new Bench.Rounds(1, Duration.ofMillis(200), Math.min(tailRate, 500), serverJvm, 4, 2))
                : new Bench.Settings(connections, size, window, seconds(warmupSeconds), seconds(measureSeconds),
                        pipelineForks, pipelineRounds, Duration.ofSeconds(1), idle, active, Duration.ofSeconds(15), backendRuns, backendGapMs, phases, cluster,
                        new Bench.Rounds(pairs, seconds(leadInSeconds), tailRate, serverJvm, runUsers, runWindow));
        ObjectNode results;
        try {
            results = new Bench(settings, out).run();
        } catch (IllegalStateException cannotRun) {
            // what the bench needs and could not find (a redis-server, a router that never became ready), in words
            spec.commandLine().getErr().println("bench: " + cannotRun.getMessage());
            return 3;
        }
        out.print(Bench.table(results));
        if (report != null) {
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(report, Json.writePretty(results) + "\n");
            out.println("report: " + report);
        }
        out.flush();
        return 0;
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis(Math.round(value * 1000));
    }
}
