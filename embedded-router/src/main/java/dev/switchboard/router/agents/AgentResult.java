package dev.switchboard.router.agents;

/**
 * The outcome of a successful run.
 *
 * @param result the answer, sent as {@code data.result} of {@code agent_completed}
 */
public record AgentResult(String result) {
}
