package dev.switchboard.console;

import javafx.application.Application;

/**
 * Starts the console. A separate class from {@link ConsoleApp} so that the JavaFX launcher is
 * happy with JavaFX on the class path.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Application.launch(ConsoleApp.class, args);
    }
}
