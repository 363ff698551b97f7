package dev.switchboard.console.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The console's headless commands: {@code simulate}, {@code bench} and {@code attack} (and {@code help},
 * {@code --help}, {@code --version}); anything else, such as {@code --port=9000}, opens the window.
 */
@Command(name = "switchboard-console", mixinStandardHelpOptions = true, versionProvider = ConsoleVersion.class,
        description = "Without a command: the console window. Headless commands:",
        footer = {"",
                "The window's options (--name=value):",
                "  (none)                     run a router inside the console",
                "                             (--port=8765, --http-port=8766)",
                "  --remote=ws://H:P/monitor  watch a remote router, or every node of its",
                "                             cluster; the token (role viewer or operator)",
                "                             from --token-file=PATH or $SWITCHBOARD_TOKEN",
                "                             (--token=JWT works but shows in ps)",
                "  --embedded-nodes=N --redis=redis://H:P",
                "                             run N router nodes of one cluster inside it",
                "  --open=session.jsonl       look at a saved session, offline",
                "Shortcuts: Ctrl+1..9, Ctrl+0 views, Ctrl+S save the session, Ctrl+O open one,",
                "Ctrl+T theme."},
        subcommands = {SimulateCommand.class, BenchCommand.class, AttackCommand.class, WatchCheckCommand.class,
                CommandLine.HelpCommand.class})
public final class ConsoleCli implements Runnable {

    /** Whether {@code args} name a headless command (else the window opens). */
    public static boolean isHeadless(String[] args) {
        return args.length > 0 && (!args[0].startsWith("-") || java.util.Set.of("-h", "--help", "-V", "--version")
                .contains(args[0]));
    }

    /** Runs a headless command; returns the exit code. */
    public static int run(String... args) {
        return new CommandLine(new ConsoleCli()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
