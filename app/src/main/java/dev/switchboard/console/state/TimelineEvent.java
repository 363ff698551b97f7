package dev.switchboard.console.state;

/**
 * One event of a run, as a timeline shows it.
 *
 * @param type       agent_started, agent_thinking, tool_executing, tool_completed, agent_completed
 * @param seq        its seq in the run
 * @param offsetMs   time since the run's first event
 * @param tool       the tool, for tool events
 * @param durationMs the tool's duration, for tool_completed
 * @param status     the final status, for agent_completed
 * @param detail     the thought, result or error
 */
public record TimelineEvent(String type, int seq, long offsetMs, String tool, long durationMs, String status,
                            String detail) {
}
