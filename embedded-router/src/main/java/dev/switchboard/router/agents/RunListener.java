package dev.switchboard.router.agents;

/** Hears about runs starting and ending (metrics, quality figures, the monitor). */
public interface RunListener {

    default void started(RunInfo run) {
    }

    /** The run ended; {@code run.status()} is final. */
    default void ended(RunInfo run) {
    }
}
