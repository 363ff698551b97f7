package dev.switchboard.router.agents;

import java.util.List;
import java.util.Objects;

/**
 * What an agent run is asked to do.
 *
 * @param runId    the run id, unique in this router
 * @param userId   the user the run belongs to
 * @param threadId the conversation thread
 * @param agent    the agent name requested, or null
 * @param content  the user's text
 * @param tools    tools the client asked for; empty means the agent picks
 * @param shadow   whether this is a shadow copy of a run, whose events go nowhere
 */
public record AgentRequest(String runId, String userId, String threadId, String agent, String content,
                           List<String> tools, boolean shadow) {
    public AgentRequest {
        Objects.requireNonNull(runId, "runId must not be null");
        Objects.requireNonNull(userId, "userId must not be null");
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    public AgentRequest(String runId, String userId, String threadId, String agent, String content,
                        List<String> tools) {
        this(runId, userId, threadId, agent, content, tools, false);
    }
}
