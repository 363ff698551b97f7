package dev.switchboard.console.bench;

import javafx.application.Application;

/** Launches {@link ConsoleLoadCheck} from a plain main class (JavaFX on the class path needs one). */
public final class LoadCheck {

    private LoadCheck() {
    }

    public static void main(String[] args) {
        Application.launch(ConsoleLoadCheck.class, args);
    }
}
