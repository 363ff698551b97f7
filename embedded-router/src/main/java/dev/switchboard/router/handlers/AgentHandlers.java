package dev.switchboard.router.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.agents.RunRejected;
import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.agents.RemoteRuns;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.FieldMap;
import dev.switchboard.router.protocol.MessageType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.routing.HandlerRegistry;
import dev.switchboard.router.routing.MessageContext;
import dev.switchboard.router.routing.MessageRejected;
import dev.switchboard.router.trace.MessageTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** {@code user_message}, {@code start_agent} and {@code stop_agent}: starting and stopping agent runs. */
final class AgentHandlers {
    static final int MAX_CONTENT_CHARS = 32_000;
    static final int MAX_TOOLS = 16;
    private static final String NO_SUCH_RUN = "no run of yours with this run_id is in flight";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final AgentRuns runs;
    private final Predicate<String> connectionOpen;
    private final Supplier<RemoteRuns> elsewhere;

    /**
     * @param runs           the runs of this node
     * @param connectionOpen whether a connection is still open
     * @param elsewhere      the runs of the cluster's other nodes, for {@code stop_agent}
     */
    AgentHandlers(AgentRuns runs, Predicate<String> connectionOpen, Supplier<RemoteRuns> elsewhere) {
        this.runs = runs;
        this.connectionOpen = connectionOpen;
        this.elsewhere = elsewhere;
    }

    void registerWith(HandlerRegistry registry) {
        registry.registerBuiltIn(MessageType.USER_MESSAGE, this::userMessage);
        registry.registerBuiltIn(MessageType.START_AGENT, this::startAgent);
        registry.registerBuiltIn(MessageType.STOP_AGENT, this::stopAgent);
    }

    private void userMessage(MessageContext context, ClientMessage message) {
        start(context, message, requireContent(message), null, List.of());
    }

    private void startAgent(MessageContext context, ClientMessage message) {
        String content = requireContent(message);
        JsonNode agentNode = message.payload().get("agent");
        String agent = null;
        if (agentNode != null && !agentNode.isNull()) {
            if (!agentNode.isTextual() || !NAME.matcher(agentNode.asText()).matches()) {
                throw new MessageRejected(ErrorCode.INVALID_MESSAGE, "payload.agent must be a name of 1 to 64 characters");
            }
            agent = agentNode.asText();
        }
        start(context, message, content, agent, tools(message.payload().get("tools")));
    }

    private static List<String> tools(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_TOOLS) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE,
                    "payload.tools must be an array of at most " + MAX_TOOLS + " tool names");
        }
        List<String> tools = new ArrayList<>(node.size());
        for (JsonNode tool : node) {
            if (!tool.isTextual() || !NAME.matcher(tool.asText()).matches() || tools.contains(tool.asText())) {
                throw new MessageRejected(ErrorCode.INVALID_MESSAGE,
                        "payload.tools must hold distinct names of 1 to 64 characters");
            }
            tools.add(tool.asText());
        }
        return tools;
    }

    private void start(MessageContext context, ClientMessage message, String content, String agent,
                       List<String> tools) {
        try {
            MessageTrace traced = context.trace();
            long startedNanos = traced != null ? System.nanoTime() : 0;
            // the backend is chosen later, on the launcher: a traced run tells its trace then
            runs.start(context.userId(), context.connectionId(), message.threadId(), agent, content, tools,
                    context.receivedAtNanos(), traced == null ? null : new BackendSteps(traced), request -> {
                        MessageTrace trace = context.trace();
                        if (trace != null) {
                            trace.run(request.runId());
                            FieldMap.Builder detail = FieldMap.builder();
                            detail.put("run_id", request.runId());
                            detail.put("agent", agent == null ? "(the strategy's choice)" : agent);
                            detail.put("tools", tools.size());
                            trace.step("run", startedNanos, detail.build());
                        }
                        context.reply(ServerEvent.builder(EventType.MESSAGE_ACK)
                                .put("run_id", request.runId())
                                .put("thread_id", request.threadId())
                                .build());
                    });
        } catch (RunRejected rejected) {
            throw new MessageRejected(rejected.code(), rejected.getMessage());
        }
        if (!connectionOpen.test(context.connectionId())) {
            // the connection closed while the message waited: its close already cancelled its runs,
            // so cancel this one too (a run never outlives the connection that started it)
            runs.cancelConnection(context.connectionId());
        }
    }

    private void stopAgent(MessageContext context, ClientMessage message) {
        String runId = message.payloadText("run_id");
        if (runId == null) {
            runId = message.runId();
        }
        if (runId == null || runId.isEmpty()) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE, "payload.run_id is required");
        }
        if (runs.stop(runId, context.userId())) {
            return;
        }
        RemoteRuns remote = elsewhere.get();
        if (remote == RemoteRuns.NONE) {
            throw new MessageRejected(ErrorCode.NOT_FOUND, NO_SUCH_RUN);
        }
        // the run may live on another node of the cluster: ask its owner, answer when it has
        MessageContext later = context.answerLater();
        remote.stop(runId, context.userId()).whenComplete((stopped, failure) -> {
            if (failure != null) {
                later.fail(ErrorCode.UNAVAILABLE, "the node running this run could not be reached; try again");
            } else if (!stopped) {
                later.fail(ErrorCode.NOT_FOUND, NO_SUCH_RUN);
            }
            later.complete();
        });
    }

    private static String requireContent(ClientMessage message) {
        String content = message.payloadText("content");
        if (content == null || content.isBlank()) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE, "payload.content must be a non-empty string");
        }
        if (content.length() > MAX_CONTENT_CHARS) {
            throw new MessageRejected(ErrorCode.INVALID_MESSAGE,
                    "payload.content must be at most " + MAX_CONTENT_CHARS + " characters");
        }
        return content;
    }
}
