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

/** {@code bench}: the router against a bare echo server, in one process and one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the router against a bare Java-WebSocket echo server on loopback, in one run.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--connections", defaultValue = "32", description = "Load connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--size", defaultValue = "256", description = "Request frame bytes (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--window", defaultValue = "4",
            description = "Closed loop: requests outstanding per connection (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--warmup-s", defaultValue = "5", description = "Warm-up before each phase, s (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--measure-s", defaultValue = "15", description = "Each measured phase, s (default: ${DEFAULT-VALUE}).")
    double measureSeconds;

    @Option(names = "--pipeline-forks", defaultValue = "3",
            description = "In-process pipeline: JVMs per workload (default: ${DEFAULT-VALUE}).")
    int pipelineForks;

    @Option(names = "--pipeline-rounds", defaultValue = "5",
            description = "In-process pipeline: one-second rounds per fork; the median of all is reported"
                    + " (default: ${DEFAULT-VALUE}).")
    int pipelineRounds;

    @Option(names = "--idle", defaultValue = "20000",
            description = "Idle connections for the memory check, 0 to skip (default: ${DEFAULT-VALUE}).")
    int idle;

    @Option(names = "--smoke", description = "A few seconds in all (CI): 4 connections, short phases, 200 idle connections.")
    boolean smoke;

    @Option(names = "--backend-runs", defaultValue = "1000",
            description = "Most concurrent runs on the http backend phase; 0 skips it (default: ${DEFAULT-VALUE}).")
    int backendRuns;

    @Option(names = "--backend-gap-ms", defaultValue = "200",
            description = "The example service's pause before each event in the latency phase, ms (default: ${DEFAULT-VALUE}).")
    long backendGapMs;

    @Option(names = "--only", split = ",", paramLabel = "PHASE",
            description = "Run only these phases: pipeline, sockets, idle, backend (default: all).")
    java.util.Set<String> only;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path report;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        java.util.Set<String> phases = only != null ? only : Bench.Settings.ALL;
        Bench.Settings settings = smoke
                ? new Bench.Settings(4, size, 2, Duration.ofMillis(300), Duration.ofMillis(700), 1, 1, Math.min(idle, 200),
                        Math.min(backendRuns, 20), backendGapMs, phases)
                : new Bench.Settings(connections, size, window, seconds(warmupSeconds), seconds(measureSeconds),
                        pipelineForks, pipelineRounds, idle, backendRuns, backendGapMs, phases);
        ObjectNode results = new Bench(settings, out).run();
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
