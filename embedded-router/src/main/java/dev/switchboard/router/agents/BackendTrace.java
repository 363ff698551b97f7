package dev.switchboard.router.agents;

/**
 * Hears how a traced run's backend was chosen: a message's trace, for the run the message started.
 * Only a traced run has one (an untraced run's choice explains nothing and tells no one). Called on
 * the launcher thread that starts the run, or on the thread that saw its backend fail; must not
 * block. Each call is isolated: one that throws changes nothing for the run.
 */
public interface BackendTrace {

    /**
     * The run's backend was chosen.
     *
     * @param decision     what was chosen and why
     * @param startedNanos when the choice began ({@link System#nanoTime()}); it ends now
     */
    void chosen(BackendDecision decision, long startedNanos);

    /**
     * The run's backend failed before the run started, and the run was handed to another (or, with
     * none healthy, was not: {@code decision.chosen()} is null and the run fails).
     *
     * @param from         the backend that failed
     * @param failure      its failure's reason ({@code backend_unavailable}, …)
     * @param decision     where the run went next and why
     * @param startedNanos when the retry's choice began ({@link System#nanoTime()}); it ends now
     */
    void retried(String from, String failure, BackendDecision decision, long startedNanos);
}
