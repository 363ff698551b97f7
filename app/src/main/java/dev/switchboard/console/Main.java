package dev.switchboard.console;

import dev.switchboard.console.cli.ConsoleCli;
import javafx.application.Application;

/**
 * Starts the console window, or with a command first ({@code simulate}, {@code bench},
 * {@code help}) runs that command headless, without touching JavaFX. A separate class from
 * {@link ConsoleApp} so that the JavaFX launcher is happy with JavaFX on the class path.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (ConsoleCli.isHeadless(args)) {
            System.exit(ConsoleCli.run(args));
        }
        Application.launch(ConsoleApp.class, args);
    }
}
