package dev.switchboard.router.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The outcome of a run that reached its end.
 *
 * @param result the answer, sent as {@code data.result} of {@code agent_completed}
 * @param data   when not null, {@code agent_completed}'s data exactly as the backend sent it (its
 *               {@code status} is {@code completed} or {@code failed}); {@code result} is then unused
 */
public record AgentResult(String result, ObjectNode data) {

    public AgentResult(String result) {
        this(result, null);
    }

    /** The backend's own {@code agent_completed} data. */
    public static AgentResult of(ObjectNode data) {
        return new AgentResult(data.path("result").asText(null), data);
    }

    /** Whether the backend said the run failed. */
    public boolean failed() {
        return data != null && "failed".equals(data.path("status").asText());
    }
}
