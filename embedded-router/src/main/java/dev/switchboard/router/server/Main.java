package dev.switchboard.router.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code switchboard-router}: the standalone router ({@code serve}) and its token tool ({@code token}).
 */
@Command(name = "switchboard-router", mixinStandardHelpOptions = true, versionProvider = RouterVersion.class,
        description = "The Switchboard WebSocket message router.",
        subcommands = {ServeCommand.class, TokenCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
