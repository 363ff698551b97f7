package dev.switchboard.console.bench;

import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.feed.SessionRecorder;
import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.Replay;
import dev.switchboard.console.ui.ConsoleViewModels;
import java.nio.file.Path;

/**
 * Times what a move of the session-time slider costs: playing a saved session into fresh view
 * models (no window), five times in one JVM, after reading the file once.
 * {@code java -cp app/target/switchboard-console.jar dev.switchboard.console.bench.SessionReplayTime session.jsonl}
 */
public final class SessionReplayTime {

    private SessionReplayTime() {
    }

    public static void main(String[] args) {
        long began = System.nanoTime();
        ReplayFeed session = new ReplayFeed(Path.of(args[0]));
        System.out.printf("read %s in %.0f ms: %d steps%n", args[0], (System.nanoTime() - began) / 1e6,
                session.steps().size());
        for (int round = 1; round <= 5; round++) {
            long start = System.nanoTime();
            Replay replay = new Replay(session);
            ConsoleState state = replay.newState();
            ConsoleViewModels models = ConsoleViewModels.attach(state, session, Runnable::run);
            replay.play(state, new SessionRecorder(3_000, 50_000), Runnable::run);
            System.out.printf("play %d: %.0f ms (%d chart points, %d runs, %d log lines)%n", round,
                    (System.nanoTime() - start) / 1e6, models.overview().samples().size(), models.runs().runs().size(),
                    models.log().lines().size());
        }
    }
}
