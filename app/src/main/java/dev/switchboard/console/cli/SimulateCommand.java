package dev.switchboard.console.cli;

import dev.switchboard.console.simulate.Scenario;
import dev.switchboard.console.simulate.SimReport;
import dev.switchboard.console.simulate.Simulation;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.auth.TokenService;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code simulate}: runs a scenario of virtual users against a router, prints a progress line a
 * second and a final table, writes JSON and CSV reports, and exits 1 when a check fails.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, subcommands = RecordCommand.class,
        description = "Simulate many concurrent users against a router and check what each receives; replay a"
                + " recording (simulate record).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed", "1:a check failed", "2:bad arguments or scenario",
            "3:the simulation could not run"})
public final class SimulateCommand implements Callable<Integer> {
    static final int CHECK_FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int COULD_NOT_RUN = 3;

    @Spec
    CommandSpec spec;

    /** Unlike the other commands' {@link RouterUrlOption}, repeatable: the nodes of a cluster. */
    @Option(names = "--url", paramLabel = "URL", defaultValue = RouterUrlOption.DEFAULT_URL,
            description = "A router's client endpoint (default: ${DEFAULT-VALUE}). Repeat it for the nodes of a"
                    + " cluster: connection k of user i goes to the ((i + k) mod N)-th URL.")
    List<URI> urls;

    @Option(names = "--scenario", description = "Scenario file (JSON), e.g. src/scenarios/smoke.json, or a recording"
            + " (simulate record). Required.")
    Path scenarioFile;

    @Option(names = "--speed", paramLabel = "X", description = "Replay a recording X times as fast (0.01 to 1000;"
            + " 2: in half the time).")
    Double speed;

    @Option(names = "--users-scale", paramLabel = "N", description = "Replay each recorded user N times, each clone"
            + " with its own id (1 to 1000).")
    Integer usersScale;

    @Option(names = "--token-secret-env", paramLabel = "NAME",
            description = "Name of an environment variable holding the router's JWT secret: each virtual user then"
                    + " connects with its own token. Without it users connect with ?user= (the router needs --dev-auth).")
    String tokenSecretEnv;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write the report as JSON to FILE and the per-user table as CSV beside it (FILE with .csv).")
    Path report;

    @Option(names = "--progress-ms", description = "Progress line interval in ms, 0 for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    long progressMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Scenario scenario;
        Function<String, String> tokens;
        List<URI> targets;
        try {
            targets = Simulation.checkUrls(urls);
            if (scenarioFile == null) {
                throw new IllegalArgumentException("give --scenario FILE (or simulate record … to make one)");
            }
            scenario = Scenario.read(scenarioFile);
            if (speed != null || usersScale != null) {
                scenario = scenario.replayed(speed != null ? speed : 1, usersScale != null ? usersScale : 1);
            }
            tokens = tokens();
        } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
            err.println("simulate: " + e.getMessage());
            return BAD_INPUT;
        }
        out.printf("simulate: scenario %s (%d users) against %s%n", scenario.name(), scenario.totalUsers(),
                String.join(", ", targets.stream().map(URI::toString).toList()));
        out.flush();
        SimReport result;
        try (Simulation simulation = new Simulation(targets, scenario, tokens).start()) {
            result = await(simulation, out);
        } catch (ExecutionException | TimeoutException e) {
            err.println("simulate: could not run: " + e.getMessage());
            return COULD_NOT_RUN;
        }
        out.println();
        out.print(result.table());
        if (report != null) {
            try {
                out.println("report: " + String.join(", ", result.write(report).stream().map(Path::toString).toList()));
            } catch (java.io.IOException e) {
                err.println("simulate: cannot write the report: " + e.getMessage());
                return COULD_NOT_RUN;
            }
        }
        out.flush();
        return result.passed() ? 0 : CHECK_FAILED;
    }

    private SimReport await(Simulation simulation, PrintWriter out) throws Exception {
        Scenario scenario = simulation.scenario();
        long limitMs = (scenario.durationMs() > 0 ? scenario.durationMs() : TimeUnit.HOURS.toMillis(6))
                + scenario.drainMs() + 30_000;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limitMs);
        long step = progressMs > 0 ? progressMs : 1_000;
        while (true) {
            try {
                SimReport done = simulation.report().get(step, TimeUnit.MILLISECONDS);
                return done;
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("no report after " + Duration.ofMillis(limitMs));
                }
                if (progressMs > 0) {
                    out.println(simulation.progress().line());
                    out.flush();
                }
            }
        }
    }

    private Function<String, String> tokens() {
        if (tokenSecretEnv == null) {
            return null;
        }
        String secret = System.getenv(tokenSecretEnv);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + tokenSecretEnv + " is not set");
        }
        TokenService service = new TokenService(secret, Clock.systemUTC());
        return user -> service.mint(user, Role.USER, Duration.ofHours(12));
    }
}
