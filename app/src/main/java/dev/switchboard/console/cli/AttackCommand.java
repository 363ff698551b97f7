package dev.switchboard.console.cli;

import dev.switchboard.console.attack.Attack;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attack}: the security audit's attacks against a router on this machine, for a bounded time. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Attack a router on this machine (loopback only) with half-open sockets, header floods and a"
                + " snapshot-flooding viewer, for a bounded time; run simulate beside it to see users keep working.")
public final class AttackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RouterUrlOption router;

    @Option(names = "--half-open", defaultValue = "2000",
            description = "Sockets kept open with half a request line (default: ${DEFAULT-VALUE}).")
    int halfOpen;

    @Option(names = "--header-floods", defaultValue = "2",
            description = "Connections sending oversized headers, one after the other (default: ${DEFAULT-VALUE}).")
    int headerFloods;

    @Option(names = "--header-mb", defaultValue = "4", description = "Header size of each flood, MiB (default: ${DEFAULT-VALUE}).")
    int headerMebibytes;

    @Option(names = "--viewer-token-env", paramLabel = "NAME",
            description = "Environment variable holding a viewer (or operator) token for the snapshot flood;"
                    + " without it the snapshot flood is skipped.")
    String viewerTokenEnv;

    @Option(names = "--duration-s", defaultValue = "60", description = "How long to attack, s (default: ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String token = null;
        if (viewerTokenEnv != null) {
            token = System.getenv(viewerTokenEnv);
            if (token == null || token.isBlank()) {
                err.println("error: environment variable " + viewerTokenEnv + " is not set");
                return 2;
            }
        }
        if (durationSeconds < 1 || durationSeconds > 3_600) {
            err.println("error: --duration-s must be 1 to 3600");
            return 2;
        }
        Attack attack;
        try {
            attack = new Attack(new Attack.Plan(router.url, halfOpen, headerFloods, headerMebibytes * 1024 * 1024, token,
                    Duration.ofSeconds(durationSeconds)));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "attack-progress");
            thread.setDaemon(true);
            return thread;
        });
        progress.scheduleAtFixedRate(() -> {
            out.println(attack.tally().line());
            out.flush();
        }, 5, 5, TimeUnit.SECONDS);
        try {
            Attack.Tally tally = attack.run();
            out.println("done: " + tally.line());
        } finally {
            progress.shutdownNow();
        }
        out.flush();
        return 0;
    }
}
