package dev.switchboard.console.cli;

import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.feed.SessionTraffic;
import dev.switchboard.console.simulate.Recorder;
import dev.switchboard.console.simulate.Recording;
import dev.switchboard.router.server.DurationConverter;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code simulate record}: records a router's real traffic through its monitor into a scenario file
 * that {@code simulate --scenario} replays. Ctrl-C stops early and writes what came. With
 * {@code --session}, writes the traffic a saved console session kept instead.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Record a router's real traffic (through its monitor, with an operator's token) into a"
                + " scenario file that simulate --scenario replays; or, with --session, write the traffic a saved"
                + " console session kept.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:recorded", "2:bad arguments", "3:the recording could not run"})
public final class RecordCommand implements Callable<Integer> {
    static final String DEFAULT_MONITOR = "ws://127.0.0.1:8765/monitor";
    /** Where the token comes from without --token-file. */
    static final String TOKEN_ENV = "SWITCHBOARD_TOKEN";

    @Spec
    CommandSpec spec;

    @Option(names = "--monitor", paramLabel = "URL", defaultValue = DEFAULT_MONITOR,
            description = "A router's monitor endpoint (default: ${DEFAULT-VALUE}). Repeatable; the other nodes of a"
                    + " cluster the first one lists are recorded too unless --no-follow-cluster.")
    List<URI> monitors;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding an operator's token for the monitor. Without it: the environment variable "
                    + TOKEN_ENV + ".")
    Path tokenFile;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long to record: 90s, 10m, 1h (at most; default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The scenario file to write, e.g."
            + " staging.rec.json.")
    Path out;

    @Option(names = "--keep-user-ids", description = "Keep the users' ids (default: mapped to rec-1, rec-2, …).")
    boolean keepUserIds;

    @Option(names = "--keep-content", description = "Keep what users wrote (default: the router replaces every text"
            + " but ids, types and names with filler of the same length before it leaves the router).")
    boolean keepContent;

    @Option(names = "--session", paramLabel = "FILE",
            description = "A saved console session (.jsonl) that kept traffic (File > Keep traffic in the session):"
                    + " write its traffic instead of recording a router. --monitor, --token-file and --duration do"
                    + " not apply.")
    Path session;

    @Option(names = "--no-follow-cluster", negatable = false,
            description = "Record only the monitors given, not the cluster members the first one lists.")
    boolean noFollowCluster;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (session != null) {
            return fromSession(console, err);
        }
        Recorder.Options options;
        try {
            options = new Recorder.Options(monitors, token(), duration, keepUserIds, keepContent, !noFollowCluster);
        } catch (IllegalArgumentException | IOException e) {
            err.println("simulate record: " + e.getMessage());
            return SimulateCommand.BAD_INPUT;
        }
        try (Recorder recorder = new Recorder(options)) {
            try {
                recorder.start().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                err.println("simulate record: could not start: " + (e.getCause() != null ? e.getCause().getMessage()
                        : "no answer in 30 s"));
                return SimulateCommand.COULD_NOT_RUN;
            }
            console.printf(Locale.ROOT, "recording %d node(s) for %,d s (Ctrl-C stops early and writes what came)%n",
                    recorder.progress().nodes(), duration.toSeconds());
            console.flush();
            AtomicBoolean written = new AtomicBoolean();
            Thread early = new Thread(() -> finish(recorder, written, console, err), "record-ctrl-c");
            Runtime.getRuntime().addShutdownHook(early);
            long deadline = System.nanoTime() + duration.toNanos() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                try {
                    recorder.ended().get(5, TimeUnit.SECONDS);
                    break;
                } catch (TimeoutException e) {
                    Recorder.Progress progress = recorder.progress();
                    console.printf(Locale.ROOT, "  %,d entries from %,d users, %,d dropped%n", progress.entries(),
                            progress.users(), progress.dropped());
                    console.flush();
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(early);
            } catch (IllegalStateException e) {
                return 0; // shutting down: the hook writes
            }
            return finish(recorder, written, console, err);
        }
    }

    /** Stops the recording and writes the file, once (here or from Ctrl-C). */
    private int finish(Recorder recorder, AtomicBoolean written, PrintWriter console, PrintWriter err) {
        if (!written.compareAndSet(false, true)) {
            return 0;
        }
        return write(recorder.stop(Duration.ofSeconds(10)), recorder.full()
                ? " (more came than a recording keeps: it stopped gathering)" : "", console, err);
    }

    /** Writes the traffic a saved session kept. */
    private int fromSession(PrintWriter console, PrintWriter err) {
        if (!Files.isRegularFile(session)) {
            err.println("simulate record: no session file " + session);
            return SimulateCommand.BAD_INPUT;
        }
        SessionTraffic traffic;
        try {
            traffic = new ReplayFeed(session).traffic();
        } catch (java.io.UncheckedIOException e) {
            err.println("simulate record: cannot read " + session + ": " + e.getCause().getMessage());
            return SimulateCommand.BAD_INPUT;
        }
        if (traffic == null) {
            err.println("simulate record: " + session + " kept no traffic: a session holds traffic only when the"
                    + " console kept it (File > Keep traffic in the session, with an operator's token)");
            return SimulateCommand.BAD_INPUT;
        }
        if (keepContent && !traffic.content().equals("kept")) {
            err.println("simulate record: the session kept the traffic with its content masked by the router:"
                    + " --keep-content cannot bring it back");
            return SimulateCommand.BAD_INPUT;
        }
        Recording recording;
        try {
            recording = Recording.of(traffic, keepUserIds);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            err.println("simulate record: " + session + " holds traffic no recording can be made of: " + e.getMessage());
            return SimulateCommand.BAD_INPUT;
        }
        return write(recording, String.format(Locale.ROOT, " (the session's traffic from"
                + " %s to %s%s)", traffic.from(), traffic.to(), traffic.trimmed() == 0 ? ""
                : String.format(Locale.ROOT, "; %,d older entries had gone for the session's bound",
                        traffic.trimmed())), console, err);
    }

    private int write(Recording recording, String note, PrintWriter console, PrintWriter err) {
        String name = out.getFileName().toString().replaceFirst("\\.json$", "").replaceFirst("\\.rec$", "");
        try {
            recording.write(out, name);
        } catch (IOException e) {
            err.println("simulate record: cannot write " + out + ": " + e.getMessage());
            err.flush();
            return SimulateCommand.COULD_NOT_RUN;
        }
        console.printf(Locale.ROOT, "wrote %s: %,d messages from %,d users over %.1f s, %,d runs, %,d entries dropped%s%n",
                out, recording.messages(), recording.users().size(), recording.durationMs() / 1000.0,
                recording.original().runs().getOrDefault("started", 0L), recording.dropped(), note);
        console.printf("replay it: switchboard-console simulate --scenario %s [--speed 2] [--users-scale 10]%n", out);
        console.flush();
        return 0;
    }

    private String token() throws IOException {
        String token = tokenFile != null ? Files.readString(tokenFile).trim() : System.getenv(TOKEN_ENV);
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("no token: give --token-file or set " + TOKEN_ENV
                    + " (an operator's token: switchboard-router token --user NAME --role operator)");
        }
        return token;
    }
}
