package dev.switchboard.console.bench;

import javafx.application.Application;

/** Launches {@link ConnectionsFilterCheck} from a plain main class (JavaFX on the class path needs one). */
public final class FilterCheck {

    private FilterCheck() {
    }

    public static void main(String[] args) {
        Application.launch(ConnectionsFilterCheck.class, args);
    }
}
