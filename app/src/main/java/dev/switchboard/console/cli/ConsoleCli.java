package dev.switchboard.console.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The console's headless commands: {@code simulate}, {@code bench} and {@code attack} (and {@code help},
 * {@code --help}, {@code --version}); anything else, such as {@code --port=9000}, opens the window.
 */
@Command(name = "switchboard-console", mixinStandardHelpOptions = true, versionProvider = ConsoleVersion.class,
        description = "Without a command: the console window. Headless commands:",
        subcommands = {SimulateCommand.class, BenchCommand.class, AttackCommand.class, CommandLine.HelpCommand.class})
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
