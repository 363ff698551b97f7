package dev.switchboard.console.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.bench.WatchCheck;
import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.router.protocol.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code watch-check}: the wide scenario with and without monitors attached, in alternating rounds. */
@Command(name = "watch-check", mixinStandardHelpOptions = true,
        description = "Run a wide scenario against a fresh router (its own JVM, on loopback) in alternating rounds"
                + " without and with monitor viewers attached, and print connections failed, ack p99, router CPU and"
                + " monitor bytes per viewer for each setup.")
public final class WatchCheckCommand implements Callable<Integer> {
    private static final int BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "FILE", defaultValue = "src/scenarios/wide-8000.json",
            description = "The load (default: ${DEFAULT-VALUE}).")
    Path scenarioFile;

    @Option(names = "--viewers", defaultValue = "5",
            description = "Monitors attached in the watched rounds (default: ${DEFAULT-VALUE}).")
    int viewers;

    @Option(names = "--pairs", defaultValue = "2",
            description = "Rounds of each setup, in alternating order (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--heap", defaultValue = "1g", description = "The router's -Xmx (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--parse", description = "Viewers read every frame into the console's records (their CPU then"
            + " competes with the router's on this machine); without it they are plain readers that count bytes.")
    boolean parse;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report, every round, as JSON here.")
    Path json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WatchCheck.Settings settings;
        try {
            if (pairs > 10 || viewers > 20) {
                throw new IllegalArgumentException("at most 10 pairs and 20 viewers");
            }
            settings = new WatchCheck.Settings(Scenario.read(scenarioFile), viewers, pairs, heap, parse);
        } catch (IllegalArgumentException | IOException e) {
            err.println("watch-check: " + e.getMessage());
            return BAD_INPUT;
        }
        out.printf("watch-check: %s, %d users, %d pairs of rounds (unwatched / %d viewers)%n",
                settings.scenario().name(), settings.scenario().totalUsers(), pairs, viewers);
        out.flush();
        ObjectNode report = new WatchCheck(settings, out).run();
        if (json != null) {
            Files.writeString(json, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
            out.println("report written to " + json);
        }
        return 0;
    }
}
