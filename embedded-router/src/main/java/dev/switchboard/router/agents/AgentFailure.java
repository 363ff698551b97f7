package dev.switchboard.router.agents;

/**
 * An executor's way to fail a run with a message fit for the user (sent as
 * {@code agent_completed.data.error}). Any other exception is reported as {@code agent failed}.
 */
public final class AgentFailure extends RuntimeException {

    public AgentFailure(String message) {
        super(message, null, false, false);
    }
}
