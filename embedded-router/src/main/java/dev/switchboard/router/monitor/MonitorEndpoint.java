package dev.switchboard.router.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.connections.ConnectionSink;
import dev.switchboard.router.protection.RateLimits;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.transport.SideEndpoint;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code ws://host:port/monitor}: a snapshot on connect, then the hub's updates (at most 10 a
 * second). Needs a token with role {@code viewer} (read-only) or {@code operator} (also commands);
 * the role is checked here, on the server, for every command.
 */
public final class MonitorEndpoint implements SideEndpoint, AutoCloseable {
    /** Where the endpoint listens. */
    public static final String PATH = "/monitor";
    /** Updates a slow monitor client may have unsent before further ones are skipped (their events counted as dropped). */
    static final int MAX_PENDING_UPDATES = 32;
    /** Snapshots waiting to be built, across all monitor connections. */
    private static final int SNAPSHOT_QUEUE = 64;
    /** The commands only an operator may send. */
    private static final Set<String> OPERATOR_COMMANDS = Set.of("disconnect", "disconnect_user", "set_rollout",
            "set_rate_limit", "issue_token");

    private final RouterFeed feed;
    private final MonitorCommands commands;
    private final ObjectMapper mapper;
    private final MonitorLimits limits;
    private final ThreadPoolExecutor snapshotThread;
    private final Executor snapshots;
    private final LongAdder commandsRefused = new LongAdder();
    private final LongAdder overflowClosed = new LongAdder();

    /**
     * @param feed     what the monitor shows
     * @param commands the operator commands' effects
     * @param mapper   builds the JSON documents
     * @param limits   what each monitor connection may ask and hold
     */
    public MonitorEndpoint(RouterFeed feed, MonitorCommands commands, ObjectMapper mapper, MonitorLimits limits) {
        this.feed = Objects.requireNonNull(feed, "feed must not be null");
        this.commands = Objects.requireNonNull(commands, "commands must not be null");
        this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
        this.limits = Objects.requireNonNull(limits, "limits must not be null");
        // one thread builds every snapshot, with a short queue: snapshots never run on an I/O thread,
        // and a crowd of monitors asking for them waits or is told to try again
        this.snapshotThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(SNAPSHOT_QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "switchboard-monitor-snapshots");
                    thread.setDaemon(true);
                    return thread;
                });
        this.snapshots = snapshotThread;
    }

    @Override
    public String refuse(Principal principal) {
        return principal.role() == Role.USER ? "the monitor needs a token with role viewer or operator" : null;
    }

    @Override
    public Session open(Principal principal, ConnectionSink sink) {
        MonitorConnection connection = new MonitorConnection(this, principal, sink, limits, snapshots);
        connection.start();
        return connection;
    }

    RouterFeed feed() {
        return feed;
    }

    /** The command in {@code text}, or null when it is not JSON. */
    JsonNode parse(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    ObjectNode rateLimited(String replyTo, long nanosToWait, String text) {
        ObjectNode reply = error(ErrorCode.RATE_LIMITED, text, replyTo);
        reply.put("retry_after_ms", Math.max(1, (nanosToWait + 999_999) / 1_000_000));
        return reply;
    }

    void refused() {
        commandsRefused.increment();
    }

    void overflowed() {
        overflowClosed.increment();
    }

    /** Monitor commands refused: over the rate limit, a snapshot already in flight, or no room to build one. */
    public long commandsRefused() {
        return commandsRefused.sum();
    }

    /** Monitor connections closed with 1013 for not reading. */
    public long overflowClosed() {
        return overflowClosed.sum();
    }

    /** Stops the snapshot thread. */
    @Override
    public void close() {
        snapshotThread.shutdownNow();
    }

    /**
     * Runs one monitor command for a caller with {@code role}: the {@code command_result} or
     * {@code error} document the endpoint would send.
     */
    public ObjectNode command(Role role, JsonNode command) {
        String replyTo = command.path("message_id").isTextual() ? command.path("message_id").asText() : null;
        String type = command.path("type").asText("");
        if (type.equals("snapshot")) {
            return result(replyTo, feed.snapshot());
        }
        if (!OPERATOR_COMMANDS.contains(type)) {
            return error(ErrorCode.UNKNOWN_TYPE, "no monitor command of this type", replyTo);
        }
        if (role != Role.OPERATOR) {
            return error(ErrorCode.FORBIDDEN, "this command needs the operator role", replyTo);
        }
        try {
            return result(replyTo, execute(type, command));
        } catch (IllegalArgumentException e) {
            return error(ErrorCode.INVALID_MESSAGE, e.getMessage(), replyTo);
        } catch (IllegalStateException e) {
            return error(ErrorCode.UNAVAILABLE, e.getMessage(), replyTo);
        }
    }

    private ObjectNode execute(String type, JsonNode command) {
        ObjectNode outcome = mapper.createObjectNode();
        switch (type) {
            case "disconnect" -> outcome.put("disconnected", commands.disconnect(text(command, "connection_id")) ? 1 : 0);
            case "disconnect_user" -> outcome.put("disconnected", commands.disconnectUser(text(command, "user_id")));
            case "issue_token" -> {
                UserAccess access = commands.issueToken(text(command, "user_id"));
                outcome.put("user_id", access.userId());
                if (access.devAuth()) {
                    outcome.put("dev_auth", true);
                } else {
                    outcome.put("token", access.token());
                    outcome.put("expires_at", access.expiresAt().toString());
                }
            }
            case "set_rollout" -> {
                commands.rollout(Rollout.Mode.parse(text(command, "mode")),
                        command.path("candidate").isTextual() ? command.path("candidate").asText() : null,
                        command.path("percent").asInt(0));
                outcome.put("mode", command.path("mode").asText());
            }
            default -> {
                JsonNode perMinute = command.get("per_minute");
                commands.rateLimit(text(command, "user_id"), perMinute == null || perMinute.isNull() ? null
                        : new RateLimits(perMinute.asLong(), command.path("burst").asLong(perMinute.asLong())));
                outcome.put("user_id", command.path("user_id").asText());
            }
        }
        return outcome;
    }

    private static String text(JsonNode command, String field) {
        JsonNode value = command.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value.asText();
    }

    private ObjectNode result(String replyTo, JsonNode result) {
        ObjectNode reply = mapper.createObjectNode();
        reply.put("type", "command_result");
        if (replyTo != null) {
            reply.put("reply_to", replyTo);
        }
        reply.set("result", result);
        return reply;
    }

    ObjectNode error(ErrorCode code, String text, String replyTo) {
        ObjectNode reply = mapper.createObjectNode();
        reply.put("type", "error");
        reply.put("code", code.wire());
        reply.put("message", text);
        if (replyTo != null) {
            reply.put("reply_to", replyTo);
        }
        return reply;
    }
}
