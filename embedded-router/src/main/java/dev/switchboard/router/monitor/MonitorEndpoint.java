package dev.switchboard.router.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.AgentBackend;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.auth.Principal;
import dev.switchboard.router.auth.Role;
import dev.switchboard.router.connections.ConnectionSink;
import dev.switchboard.router.hooks.SideEndpoint;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.Squeezes;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.protocol.WireId;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** How long a user whose monitor connection was closed for abuse may not open another. */
    static final java.time.Duration COOL_DOWN = java.time.Duration.ofSeconds(10);
    /** Connections a {@code connections} page holds when the command does not say. */
    static final int DEFAULT_PAGE = 100;
    /** The commands built on the snapshot thread (their cost grows with the connections). */
    static final Set<String> HEAVY_COMMANDS = Set.of("snapshot", "connections");

    /**
     * Whether {@code command} is answered off the socket's I/O thread: a snapshot, a page, or the
     * tokens of many users at once (a thousand signatures).
     */
    static boolean isHeavy(JsonNode command) {
        String type = command.path("type").asText();
        return HEAVY_COMMANDS.contains(type) || type.equals("issue_token") && command.has("user_ids");
    }
    /** Snapshots waiting to be built, across all monitor connections. */
    private static final int SNAPSHOT_QUEUE = 64;
    /**
     * The commands only an operator may send, with the fields each takes: what an audit records (a
     * sender's extra fields are left out, so that no one floods every monitor through the audit).
     */
    private static final Map<String, List<String>> OPERATOR_FIELDS = Map.ofEntries(
            Map.entry("disconnect", List.of("connection_id")),
            Map.entry("disconnect_user", List.of("user_id")),
            Map.entry("set_rollout", List.of("mode", "candidate", "percent")),
            Map.entry("set_rate_limit", List.of("user_id", "per_minute", "burst")),
            Map.entry("issue_token", List.of("user_id", "user_ids")),
            Map.entry("breaker", List.of("name", "action", "for_ms")),
            Map.entry("backend_fault", List.of("name", "action", "paused", "latency_ms", "failure_rate", "for_ms")),
            Map.entry("bucket", List.of("user_id", "action")),
            Map.entry("squeeze", List.of("user_id", "action", "queue_per_user", "outbox_frames", "for_ms")),
            Map.entry("trace_user", List.of("user_id", "for_ms")),
            Map.entry("record", List.of("action", "keep_content", "for_ms")));
    private static final Set<String> OPERATOR_COMMANDS = OPERATOR_FIELDS.keySet();
    /** Who a command comes from when the embedding process sends it ({@code Router.monitorCommand}: no token). */
    public static final String EMBEDDER = "(embedded)"; // not a valid user id: no token subject can pose as it
    /** How long a breaker stays forced when the command does not say: 10 minutes. */
    static final long DEFAULT_FORCE_MS = 600_000;
    /** The longest an operator may force a breaker for: a day. */
    static final long MAX_FORCE_MS = 86_400_000;
    /** The breaker actions by their wire names. */
    private static final Map<String, Breakers.Force> FORCES = Arrays.stream(Breakers.Force.values())
            .collect(Collectors.toUnmodifiableMap(Breakers.Force::wire, force -> force));
    private static final Logger log = LoggerFactory.getLogger(MonitorEndpoint.class);
    /** The longest text an audit records of one field of a command carried out; the rest is cut. */
    static final int AUDITED_TEXT = 200;
    /** The highest {@code per_minute} an operator may set. */
    static final long MAX_PER_MINUTE = 1_000_000;
    /** The rollout modes by their wire names, exactly as documented (no case folding, no blanks). */
    private static final Map<String, Rollout.Mode> MODES = Arrays.stream(Rollout.Mode.values())
            .collect(Collectors.toUnmodifiableMap(Rollout.Mode::wire, mode -> mode));

    private final RouterFeed feed;
    private final MonitorCommands commands;
    private final TrafficRecorder recorder;
    private final ObjectMapper mapper = Json.mapper();
    private final MonitorLimits limits;
    private final ThreadPoolExecutor snapshotThread;
    private final Executor snapshots;
    private final LongAdder commandsRefused = new LongAdder();
    private final LongAdder overflowClosed = new LongAdder();
    private final Map<String, Long> coolingDown = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> openPerUser =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.List<OperatorAudit> auditors = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The recordings the embedding process runs (its {@code record}, without a connection). */
    private final Set<EmbeddedRecording> embeddedRecordings = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Hears every operator command carried out, and refused ones (a viewer's included) at most one
     * a second per sender: who sent it, the command, its arguments and the answer. (All are counted
     * in {@link #operatorActions}.)
     */
    public interface OperatorAudit {
        /**
         * @param by     the subject of the sender's token ({@link #EMBEDDER} for the embedding process)
         * @param action the command's {@code type}
         * @param args   its fields but {@code type} and {@code message_id}
         * @param result the {@code result} of a carried-out command (an issued token left out), or
         *               {@code {"error": code, "message": …}}
         * @param done   whether it was carried out
         */
        void acted(String by, String action, ObjectNode args, ObjectNode result, boolean done);
    }

    /** Adds a listener to every operator command (the monitor feed, the metrics). */
    public void onOperatorAction(OperatorAudit auditor) {
        auditors.add(Objects.requireNonNull(auditor, "auditor must not be null"));
    }

    /**
     * @param feed     what the monitor shows
     * @param commands the operator commands' effects
     * @param recorder what {@code record} sends
     * @param limits   what each monitor connection may ask and hold
     */
    public MonitorEndpoint(RouterFeed feed, MonitorCommands commands, TrafficRecorder recorder, MonitorLimits limits) {
        this.feed = Objects.requireNonNull(feed, "feed must not be null");
        this.commands = Objects.requireNonNull(commands, "commands must not be null");
        this.recorder = Objects.requireNonNull(recorder, "recorder must not be null");
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
    public HandshakeRefusal refuse(Principal principal) {
        if (principal.role() == Role.USER) {
            return new HandshakeRefusal(403, "forbidden", "role", "the monitor needs a token with role viewer or operator", 0);
        }
        Long until = coolingDown.get(principal.userId());
        long now = System.nanoTime();
        if (until != null && until - now > 0) {
            return new HandshakeRefusal(429, "rate_limited", "cool_down", "a monitor connection of this user was closed for"
                    + " flooding the router; try again later", TimeUnit.NANOSECONDS.toSeconds(until - now) + 1);
        }
        if (until != null) {
            coolingDown.remove(principal.userId(), until);
        }
        java.util.concurrent.atomic.AtomicInteger open = openPerUser.get(principal.userId());
        if (open != null && open.get() >= limits.perUser()) {
            return new HandshakeRefusal(429, "too_many_connections", "per_user", "this user already has " + limits.perUser()
                    + " monitor connections open, the most allowed", 0);
        }
        if (snapshotThread.getQueue().remainingCapacity() == 0) {
            return new HandshakeRefusal(503, "unavailable", "busy", "the monitor is building too many snapshots; try again",
                    1);
        }
        return null;
    }

    /** A monitor connection of {@code userId} opened ({@code +1}) or closed ({@code -1}). */
    void counted(String userId, int change) {
        openPerUser.compute(userId, (user, count) -> {
            java.util.concurrent.atomic.AtomicInteger next = count != null ? count
                    : new java.util.concurrent.atomic.AtomicInteger();
            return next.addAndGet(change) <= 0 ? null : next;
        });
    }

    /** A monitor connection of {@code userId} was closed for abuse: its next ones wait out the cool-down. */
    void coolDown(String userId) {
        coolingDown.put(userId, System.nanoTime() + COOL_DOWN.toNanos());
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

    TrafficRecorder recorder() {
        return recorder;
    }

    private MonitorUpdate lastUpdate;
    private String lastEncoded;

    /**
     * The update's JSON, written once for every monitor connection (updates come one at a time from
     * the hub's ticker; the lock is for the rare caller racing it).
     */
    synchronized String encoded(MonitorUpdate update) {
        if (update != lastUpdate) {
            lastEncoded = Json.write(update);
            lastUpdate = update;
        }
        return lastEncoded;
    }

    /** The command in {@code text}, or null when it is not exactly one JSON value. */
    JsonNode parse(String text) {
        try {
            return mapper.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
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

    /** Stops the snapshot thread and the recorder's, and closes the embedding process's recordings. */
    @Override
    public void close() {
        snapshotThread.shutdownNow();
        List.copyOf(embeddedRecordings).forEach(EmbeddedRecording::close);
        recorder.close();
    }

    /**
     * Starts a recording for a sender without a monitor connection (the embedding process, with the
     * operator role): the command {@code record start} with {@code keep_content} and {@code for_ms},
     * audited and counted as one, whose frames go to {@code frames} (see {@link EmbeddedRecording}).
     *
     * @param by          who asks, as the audit names it ({@link #EMBEDDER})
     * @param keepContent whether text is handed over as it was, not masked
     * @param forTime     how long (1 s to 1 h): the recording ends by itself then
     * @param frames      receives each frame's JSON, on the recording's own thread
     * @return the recording, to stop or close
     * @throws IllegalArgumentException when {@code forTime} is outside 1 s to 1 h
     * @throws IllegalStateException    when the router runs the most recordings it runs at once
     */
    public EmbeddedRecording record(String by, boolean keepContent, java.time.Duration forTime,
                                    java.util.function.Consumer<String> frames) {
        Objects.requireNonNull(by, "by must not be null");
        Objects.requireNonNull(forTime, "forTime must not be null");
        EmbeddedRecording recording = new EmbeddedRecording(this, by, frames);
        ObjectNode start = mapper.createObjectNode().put("type", "record").put("action", "start")
                .put("keep_content", keepContent).put("for_ms", forTime.toMillis());
        ObjectNode reply = command(by, Role.OPERATOR, start, recording.recipient());
        if (reply.path("type").asText().equals("error")) {
            recording.close();
            String why = reply.path("message").asText();
            throw ErrorCode.INVALID_MESSAGE.wire().equals(reply.path("code").asText())
                    ? new IllegalArgumentException(why) : new IllegalStateException(why);
        }
        embeddedRecordings.add(recording);
        recording.deliverFrames();
        return recording;
    }

    /** {@code record stop} for an embedded recording, audited as the command; whether it was recording. */
    boolean stopRecording(String by, EmbeddedRecording recording) {
        ObjectNode reply = command(by, Role.OPERATOR, mapper.createObjectNode().put("type", "record")
                .put("action", "stop"), recording.recipient());
        return reply.path("result").path("stopped").asBoolean(false);
    }

    /** An embedded recording ended or was closed: the recorder and this endpoint forget it. */
    void forget(EmbeddedRecording recording) {
        embeddedRecordings.remove(recording);
        recorder.forget(recording.recipient());
    }

    /**
     * Runs one monitor command for a caller with {@code role}: the {@code command_result} or
     * {@code error} document the endpoint would send. Every argument is checked here; a refusal
     * names the field and what it allows and never quotes the value sent.
     */
    public ObjectNode command(Principal sender, JsonNode command) {
        return command(sender.userId(), sender.role(), command);
    }

    /**
     * As {@link #command(Principal, JsonNode)}, for a sender known by name and role only (and so
     * with no connection to record to: {@code record} is refused).
     */
    public ObjectNode command(String by, Role role, JsonNode command) {
        return command(by, role, command, null);
    }

    /** As {@link #command(Principal, JsonNode)}, from a monitor connection ({@code record} records to it). */
    ObjectNode command(Principal sender, JsonNode command, TrafficRecorder.Recipient connection) {
        return command(sender.userId(), sender.role(), command, connection);
    }

    private ObjectNode command(String by, Role role, JsonNode command, TrafficRecorder.Recipient connection) {
        ObjectNode reply = answer(by, role, command, connection);
        String type = command.path("type").asText("");
        if (OPERATOR_COMMANDS.contains(type)) {
            audit(by, type, command, reply);
        }
        return reply;
    }

    /** How the audit shows a text that is not an id: its length, never its content. */
    private static String notAnId(String text) {
        return "(not an id: " + text.length() + " characters)";
    }

    /** Tells every auditor, and the log, what an operator command did. */
    private void audit(String by, String type, JsonNode command, ObjectNode reply) {
        boolean done = reply.path("type").asText().equals("command_result");
        ObjectNode args = mapper.createObjectNode();
        for (String field : OPERATOR_FIELDS.get(type)) {
            JsonNode value = command.get(field);
            if (value == null) {
                continue;
            }
            if (value.isTextual() && !done && !WireId.isValid(value.textValue())) {
                // a refused command's text may be what was refused, and every monitor sees the
                // audit: described, not echoed
                args.put(field, notAnId(value.textValue()));
            } else if (value.isTextual() && value.textValue().length() > AUDITED_TEXT) {
                args.put(field, value.textValue().substring(0, AUDITED_TEXT) + "…");
            } else if (value.isContainerNode()) {
                args.put(field, "(" + (value.isArray() ? "an array" : "an object") + ")");
            } else {
                args.set(field, value);
            }
        }
        actionCounts.get(type)[done ? 0 : 1].increment();
        ObjectNode result = mapper.createObjectNode();
        if (done) {
            reply.path("result").fields().forEachRemaining(field -> result.set(field.getKey(), field.getValue()));
            result.remove("token"); // every monitor, viewers included, sees the audit: a token is the user's
            if (result.path("tokens").isObject()) {
                result.put("tokens", result.path("tokens").size()); // how many, not what they are
            }
        } else {
            result.put("error", reply.path("code").asText());
            result.put("message", reply.path("message").asText());
        }
        if (!done && !refusalHeard(by)) {
            refusedUnheard.increment(); // counted, not published: a sender cannot flood the monitors with refusals
            return;
        }
        log.info("operator action {} by {}: {} -> {}", type, by, args, result);
        for (OperatorAudit auditor : auditors) {
            try {
                auditor.acted(by, type, args, result, done);
            } catch (RuntimeException e) {
                log.warn("an operator-action listener failed", e);
            }
        }
    }

    /** Operator commands by type: carried out [0] and refused [1]. */
    private final Map<String, LongAdder[]> actionCounts = OPERATOR_COMMANDS.stream().collect(
            Collectors.toUnmodifiableMap(type -> type, type -> new LongAdder[] {new LongAdder(), new LongAdder()}));

    /** The operator commands, each by its {@code type}. */
    public static Set<String> operatorCommands() {
        return OPERATOR_COMMANDS;
    }

    /** Operator commands of {@code type} carried out ({@code done}) or refused since start, a viewer's included. */
    public long operatorActions(String type, boolean done) {
        return actionCounts.get(type)[done ? 0 : 1].sum();
    }

    /** When each sender's next refused command may be audited in full (one a second). */
    private final Map<String, Long> nextRefusalHeard = new java.util.concurrent.ConcurrentHashMap<>();
    private final LongAdder refusedUnheard = new LongAdder();

    /** Whether a refusal of {@code by}'s command is published now: one a second per sender. */
    private boolean refusalHeard(String by) {
        long now = System.nanoTime();
        if (nextRefusalHeard.size() > 10_000) {
            nextRefusalHeard.clear(); // senders are token subjects; a crowd of them only loses this pacing
        }
        Long next = nextRefusalHeard.get(by);
        if (next != null && now - next < 0) {
            return false;
        }
        nextRefusalHeard.put(by, now + TimeUnit.SECONDS.toNanos(1));
        return true;
    }

    /** Refused operator commands counted but not published (more than one a second from a sender). */
    public long refusedUnheard() {
        return refusedUnheard.sum();
    }

    private ObjectNode answer(String by, Role role, JsonNode command, TrafficRecorder.Recipient connection) {
        JsonNode messageId = command.get("message_id");
        String replyTo = messageId != null && messageId.isTextual() && WireId.isValid(messageId.textValue())
                ? messageId.textValue() : null;
        if (messageId != null && replyTo == null) {
            return error(ErrorCode.INVALID_MESSAGE, WireId.problem("message_id"), null);
        }
        String type = command.path("type").asText("");
        if (type.equals("snapshot")) {
            return result(replyTo, mapper.valueToTree(feed.snapshot()));
        }
        if (type.equals("connections")) {
            try {
                return result(replyTo, mapper.valueToTree(feed.connections(offset(command), limit(command),
                        filter(command))));
            } catch (InvalidArgument e) {
                return error(ErrorCode.INVALID_MESSAGE, e.getMessage(), replyTo);
            }
        }
        if (type.equals("cluster_nodes")) {
            try {
                JsonNode user = command.get("user_id");
                return result(replyTo, mapper.valueToTree(commands.clusterNodes(
                        user == null || user.isNull() ? null : userId(command))));
            } catch (InvalidArgument e) {
                return error(ErrorCode.INVALID_MESSAGE, e.getMessage(), replyTo);
            }
        }
        if (type.equals("trace")) {
            try {
                return result(replyTo, traces(command));
            } catch (InvalidArgument e) {
                return error(ErrorCode.INVALID_MESSAGE, e.getMessage(), replyTo);
            }
        }
        if (!OPERATOR_COMMANDS.contains(type)) {
            return error(ErrorCode.UNKNOWN_TYPE, "no monitor command of this type", replyTo);
        }
        if (role != Role.OPERATOR) {
            return error(ErrorCode.FORBIDDEN, "this command needs the operator role", replyTo);
        }
        try {
            return result(replyTo, execute(type, command, by, connection));
        } catch (InvalidArgument e) {
            return error(ErrorCode.INVALID_MESSAGE, e.getMessage(), replyTo);
        } catch (IllegalArgumentException e) {
            // arguments are checked above; a component's own refusal text may quote them
            return error(ErrorCode.INVALID_MESSAGE, "the router refused the command's arguments", replyTo);
        } catch (IllegalStateException e) {
            return error(ErrorCode.UNAVAILABLE, e.getMessage(), replyTo);
        }
    }

    /**
     * {@code trace}: {@code user_id} and either {@code trace_message_id} (a message of that user)
     * or {@code run_id} (a run of that user): the kept traces, newest first.
     */
    private ObjectNode traces(JsonNode command) {
        String userId = userId(command);
        JsonNode message = command.hasNonNull("trace_message_id") ? command.get("trace_message_id") : null;
        JsonNode run = command.hasNonNull("run_id") ? command.get("run_id") : null;
        if ((message == null) == (run == null)) {
            throw new InvalidArgument("trace needs exactly one of trace_message_id and run_id");
        }
        JsonNode id = message != null ? message : run;
        if (!id.isTextual() || !WireId.isValid(id.textValue())) {
            throw new InvalidArgument((message != null ? "trace_message_id" : "run_id")
                    + " must be a string of 1 to 128 characters");
        }
        ObjectNode result = mapper.createObjectNode();
        result.put("user_id", userId);
        result.set("traces", mapper.valueToTree(commands.traces(userId, message != null ? id.textValue() : null,
                run != null ? id.textValue() : null)));
        return result;
    }

    /** The longest an operator may trace a user for: an hour. */
    static final long MAX_TRACE_USER_MS = 3_600_000;
    /** How long {@code trace_user} traces when {@code for_ms} is not given: 10 minutes. */
    static final long DEFAULT_TRACE_USER_MS = 600_000;

    private ObjectNode execute(String type, JsonNode command, String by, TrafficRecorder.Recipient connection) {
        ObjectNode outcome = mapper.createObjectNode();
        switch (type) {
            case "record" -> record(command, connection, outcome);
            case "trace_user" -> {
                String userId = userId(command);
                long forMs = integer(command, "for_ms", 0, MAX_TRACE_USER_MS, DEFAULT_TRACE_USER_MS);
                java.time.Instant until = commands.traceUser(userId, java.time.Duration.ofMillis(forMs));
                outcome.put("user_id", userId);
                outcome.put("until", until == null ? null : until.toString());
            }
            case "breaker" -> forceBreaker(command, by, outcome);
            case "backend_fault" -> backendFault(command, by, outcome);
            case "squeeze" -> squeeze(command, by, outcome);
            case "bucket" -> {
                String userId = userId(command);
                String action = choice(command, "action", "drain", "refill");
                outcome.put("user_id", userId);
                outcome.put("tokens", commands.userBucket(userId, action.equals("drain")));
            }
            case "disconnect" -> outcome.put("disconnected", commands.disconnect(connectionId(command)) ? 1 : 0);
            case "disconnect_user" -> outcome.put("disconnected", commands.disconnectUser(userId(command)));
            case "issue_token" -> {
                List<String> users = userIds(command);
                if (users == null) {
                    UserAccess access = commands.issueToken(userId(command));
                    outcome.put("user_id", access.userId());
                    if (access.devAuth()) {
                        outcome.put("dev_auth", true);
                    } else {
                        outcome.put("token", access.token());
                        outcome.put("expires_at", access.expiresAt().toString());
                    }
                } else {
                    issueTokens(users, outcome);
                }
            }
            case "set_rollout" -> outcome.put("mode", setRollout(command).wire());
            default -> {
                String userId = userId(command);
                commands.rateLimit(userId, rateLimits(command));
                outcome.put("user_id", userId);
            }
        }
        return outcome;
    }

    /** The longest an operator may record for: an hour. */
    static final long MAX_RECORD_MS = 3_600_000;
    /** How long {@code record} records when {@code for_ms} is not given: 10 minutes. */
    static final long DEFAULT_RECORD_MS = 600_000;

    /**
     * {@code record}: {@code action} {@code start} (with {@code keep_content}, default false, and
     * {@code for_ms}, 1,000 to 3,600,000, default 600,000) or {@code stop}; the entries go to the
     * connection that asked.
     */
    private void record(JsonNode command, TrafficRecorder.Recipient connection, ObjectNode outcome) {
        String action = choice(command, "action", "start", "stop");
        if (connection == null) {
            throw new IllegalStateException("record needs a /monitor connection: the entries go to the connection"
                    + " that asked (an embedding process records with Router.record)");
        }
        if (action.equals("stop")) {
            for (String field : List.of("for_ms", "keep_content")) {
                if (command.hasNonNull(field)) {
                    throw new InvalidArgument(field + " must be absent or null when action is stop");
                }
            }
            outcome.put("recording", false);
            outcome.put("stopped", recorder.stop(connection));
            return;
        }
        JsonNode keep = command.get("keep_content");
        if (keep != null && !keep.isNull() && !keep.isBoolean()) {
            throw new InvalidArgument("keep_content must be true or false");
        }
        boolean keepContent = keep != null && keep.booleanValue();
        long forMs = integer(command, "for_ms", 1_000, MAX_RECORD_MS, DEFAULT_RECORD_MS);
        java.time.Instant until = recorder.start(connection, keepContent, java.time.Duration.ofMillis(forMs));
        outcome.put("recording", true);
        outcome.put("keep_content", keepContent);
        outcome.put("until", until.toString());
    }

    /**
     * {@code breaker}: {@code name} (a breaker the router has), {@code action} ({@code force_open},
     * {@code force_closed} or {@code reset}), {@code for_ms} (how long a force lasts: 1,000 to
     * 86,400,000, default 600,000; absent or null for a reset).
     */
    private void forceBreaker(JsonNode command, String by, ObjectNode outcome) {
        JsonNode nameNode = command.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isEmpty()
                || nameNode.textValue().length() > 200) {
            throw new InvalidArgument("name is required: the name of one of the router's breakers");
        }
        JsonNode actionNode = command.get("action");
        Breakers.Force action = actionNode != null && actionNode.isTextual() ? FORCES.get(actionNode.textValue()) : null;
        if (action == null) {
            throw new InvalidArgument("action must be one of force_open, force_closed, reset");
        }
        if (action == Breakers.Force.RESET) {
            absentOnReset(command, "for_ms");
        }
        long forMs = integer(command, "for_ms", 1_000, MAX_FORCE_MS, DEFAULT_FORCE_MS);
        Breakers.Forced forced;
        try {
            forced = commands.breaker(nameNode.textValue(), action, java.time.Duration.ofMillis(forMs), by);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgument("name must be the name of one of the router's breakers (protection.breakers)");
        }
        outcome.put("name", nameNode.textValue());
        outcome.put("state", action.state());
        if (forced != null) {
            outcome.put("expires_at", forced.expiresAt().toString());
            outcome.put("by", forced.by());
        }
    }

    /** The longest latency an operator may inject into a backend: a minute. */
    static final long MAX_INJECTED_LATENCY_MS = 60_000;

    /**
     * {@code backend_fault}: {@code name} (a configured backend), {@code action} ({@code inject} or
     * {@code reset}); for {@code inject}, at least one of {@code paused} (boolean),
     * {@code latency_ms} (0 to 60,000) and {@code failure_rate} (0 to 1), and {@code for_ms} as for
     * a breaker; for {@code reset}, none of them.
     */
    private void backendFault(JsonNode command, String by, ObjectNode outcome) {
        JsonNode nameNode = command.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isEmpty()
                || nameNode.textValue().length() > 200) {
            throw new InvalidArgument("name is required: the name of a configured backend");
        }
        String action = choice(command, "action", "inject", "reset");
        AgentBackend.Fault fault = null;
        long forMs = DEFAULT_FORCE_MS;
        if (action.equals("reset")) {
            absentOnReset(command, "paused", "latency_ms", "failure_rate", "for_ms");
        } else {
            JsonNode pausedNode = command.get("paused");
            if (pausedNode != null && !pausedNode.isNull() && !pausedNode.isBoolean()) {
                throw new InvalidArgument("paused must be true or false");
            }
            boolean paused = pausedNode != null && pausedNode.asBoolean(false);
            long latencyMs = integer(command, "latency_ms", 0, MAX_INJECTED_LATENCY_MS, 0);
            JsonNode rateNode = command.get("failure_rate");
            double failureRate = 0;
            if (rateNode != null && !rateNode.isNull()) {
                if (!rateNode.isNumber() || !(rateNode.doubleValue() >= 0 && rateNode.doubleValue() <= 1)) {
                    throw new InvalidArgument("failure_rate must be a number from 0 to 1");
                }
                failureRate = rateNode.doubleValue();
            }
            if (!paused && latencyMs == 0 && failureRate == 0) {
                throw new InvalidArgument("inject needs paused, latency_ms or failure_rate");
            }
            forMs = integer(command, "for_ms", 1_000, MAX_FORCE_MS, DEFAULT_FORCE_MS);
            fault = new AgentBackend.Fault(paused, latencyMs, failureRate, null, by);
        }
        AgentBackend.Fault injected;
        try {
            injected = commands.backendFault(nameNode.textValue(), fault, java.time.Duration.ofMillis(forMs), by);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgument("name must be the name of a configured backend");
        }
        outcome.put("name", nameNode.textValue());
        if (injected == null) {
            outcome.putNull("fault");
        } else {
            outcome.set("fault", mapper.valueToTree(new dev.switchboard.router.monitor.wire.ProtectionState.Fault(
                    injected.paused(), injected.latencyMs(), injected.failureRate(), injected.expiresAt(),
                    injected.by())));
        }
    }

    /** A text field that must be exactly one of {@code allowed}; the refusal lists them. */
    private static String choice(JsonNode command, String field, String... allowed) {
        JsonNode value = command.get(field);
        if (value != null && value.isTextual() && Arrays.asList(allowed).contains(value.textValue())) {
            return value.textValue();
        }
        throw new InvalidArgument(field + " must be one of " + String.join(", ", allowed));
    }

    /** Refuses the first of {@code fields} present (and not null) in a reset. */
    private static void absentOnReset(JsonNode command, String... fields) {
        for (String field : fields) {
            if (command.hasNonNull(field)) {
                throw new InvalidArgument(field + " must be absent or null when action is reset");
            }
        }
    }

    /** The most room a squeeze may leave: more would not squeeze. */
    static final long MAX_SQUEEZE = 1_000;

    /**
     * {@code squeeze}: {@code user_id}, {@code action} ({@code set} or {@code reset}); for
     * {@code set}, at least one of {@code queue_per_user} and {@code outbox_frames} (1 to 1,000), and
     * {@code for_ms} as for a breaker; for {@code reset}, none of them.
     */
    private void squeeze(JsonNode command, String by, ObjectNode outcome) {
        String userId = userId(command);
        String action = choice(command, "action", "set", "reset");
        Integer queuePerUser = null;
        Integer outboxFrames = null;
        long forMs = DEFAULT_FORCE_MS;
        if (action.equals("reset")) {
            absentOnReset(command, "queue_per_user", "outbox_frames", "for_ms");
        } else {
            if (command.hasNonNull("queue_per_user")) {
                queuePerUser = (int) integer(command, "queue_per_user", 1, MAX_SQUEEZE, 0);
            }
            if (command.hasNonNull("outbox_frames")) {
                outboxFrames = (int) integer(command, "outbox_frames", 1, MAX_SQUEEZE, 0);
            }
            if (queuePerUser == null && outboxFrames == null) {
                throw new InvalidArgument("set needs queue_per_user or outbox_frames");
            }
            forMs = integer(command, "for_ms", 1_000, MAX_FORCE_MS, DEFAULT_FORCE_MS);
        }
        Squeezes.Squeeze squeeze = commands.squeeze(userId, queuePerUser, outboxFrames,
                java.time.Duration.ofMillis(forMs), by);
        outcome.put("user_id", userId);
        outcome.set("squeeze", squeeze == null ? mapper.nullNode() : mapper.valueToTree(
                new dev.switchboard.router.monitor.wire.ProtectionState.Squeezed(squeeze.queuePerUser(),
                        squeeze.outboxFrames(), squeeze.expiresAt(), squeeze.by())));
    }

    /** {@code set_rollout}: mode, then a candidate for every mode but off, then percent. */
    private Rollout.Mode setRollout(JsonNode command) {
        JsonNode modeNode = command.get("mode");
        Rollout.Mode mode = modeNode != null && modeNode.isTextual() ? MODES.get(modeNode.textValue()) : null;
        if (mode == null) {
            throw new InvalidArgument("mode must be one of off, shadow, partial, full");
        }
        JsonNode candidateNode = command.get("candidate");
        boolean hasCandidate = candidateNode != null && !candidateNode.isNull();
        String candidate = null;
        if (mode == Rollout.Mode.OFF && hasCandidate) {
            throw new InvalidArgument("candidate must be absent or null when mode is off");
        }
        if (mode != Rollout.Mode.OFF) {
            if (!hasCandidate || !candidateNode.isTextual() || candidateNode.textValue().isEmpty()) {
                throw new InvalidArgument("candidate is required for mode " + mode.wire()
                        + ": the name of a configured backend");
            }
            candidate = candidateNode.textValue();
        }
        int percent = (int) integer(command, "percent", 0, 100, 0);
        try {
            commands.rollout(mode, candidate, percent);
        } catch (IllegalArgumentException e) {
            // the one argument the pool still judges: whether the candidate exists (its text quotes it)
            throw new InvalidArgument("candidate must be the name of a configured backend");
        }
        return mode;
    }

    /**
     * {@code set_rate_limit}: {@code per_minute} is required, an integer 1 to 1,000,000, or null to
     * remove the override (then {@code burst} must be absent); {@code burst} is an integer 1 to
     * {@code per_minute}, {@code per_minute} when absent.
     */
    private static RateLimit rateLimits(JsonNode command) {
        JsonNode perMinuteNode = command.get("per_minute");
        if (perMinuteNode == null) {
            throw new InvalidArgument("per_minute is required: an integer from 1 to " + MAX_PER_MINUTE
                    + ", or null to remove the override");
        }
        if (perMinuteNode.isNull()) {
            JsonNode burst = command.get("burst");
            if (burst != null && !burst.isNull()) {
                throw new InvalidArgument("burst must be absent or null when per_minute is null");
            }
            return null;
        }
        long perMinute = integer(command, "per_minute", 1, MAX_PER_MINUTE, 0);
        long burst = integer(command, "burst", 1, perMinute, perMinute);
        return new RateLimit(perMinute, burst);
    }

    /**
     * An integer field from {@code min} to {@code max}; {@code absent} when the field is missing or
     * null. Only a JSON integer counts: 1.5, 1e30, 1.0 and "10" are refused.
     */
    private static long integer(JsonNode command, String field, long min, long max, long absent) {
        JsonNode value = command.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw new InvalidArgument(field + " must be an integer from " + min + " to " + max);
        }
        return value.longValue();
    }

    /**
     * One command's tokens for many users (the simulate panel's users, which one command each would
     * take past the command rate): {@code tokens} by user and their {@code expires_at}, or
     * {@code dev_auth}.
     */
    private void issueTokens(List<String> users, ObjectNode outcome) {
        ObjectNode tokens = mapper.createObjectNode();
        String expiresAt = null;
        for (UserAccess access : commands.issueTokens(users)) {
            String user = access.userId();
            if (access.devAuth()) {
                outcome.put("dev_auth", true);
                return;
            }
            tokens.put(user, access.token());
            if (expiresAt == null) {
                expiresAt = access.expiresAt().toString(); // the first minted: none expires before it
            }
        }
        outcome.set("tokens", tokens);
        outcome.put("expires_at", expiresAt);
    }

    /** The most users one {@code issue_token} may name in {@code user_ids}. */
    public static final int MAX_TOKENS_PER_COMMAND = 1_000;

    /** The command's {@code user_ids}, or null when it names one {@code user_id} instead. */
    private static List<String> userIds(JsonNode command) {
        JsonNode value = command.get("user_ids");
        if (value == null) {
            return null;
        }
        if (!value.isArray() || value.isEmpty() || value.size() > MAX_TOKENS_PER_COMMAND
                || command.has("user_id")) {
            throw new InvalidArgument("user_ids must be an array of 1 to 1,000 user ids, without user_id");
        }
        List<String> users = new ArrayList<>(value.size());
        for (JsonNode user : value) {
            if (!user.isTextual() || !Principal.isValidUserId(user.textValue())) {
                throw new InvalidArgument("user_ids must hold user ids: 1 to 64 characters of [A-Za-z0-9._@-]");
            }
            users.add(user.textValue());
        }
        return users;
    }

    private static String userId(JsonNode command) {
        JsonNode value = command.get("user_id");
        if (value == null || !value.isTextual() || !Principal.isValidUserId(value.textValue())) {
            throw new InvalidArgument("user_id is required: 1 to 64 characters of [A-Za-z0-9._@-]");
        }
        return value.textValue();
    }

    /**
     * The refusal of a command that costs a snapshot's work, when its arguments are wrong (checked
     * on the caller's thread, before it waits for the snapshot thread); null when it may go on.
     */
    ObjectNode refusalOf(JsonNode command) {
        JsonNode messageId = command.get("message_id");
        String replyTo = messageId != null && messageId.isTextual() && WireId.isValid(messageId.textValue())
                ? messageId.textValue() : null;
        if (messageId != null && replyTo == null) {
            return error(ErrorCode.INVALID_MESSAGE, WireId.problem("message_id"), null);
        }
        if (command.path("type").asText("").equals("connections")) {
            try {
                offset(command);
                limit(command);
                filter(command);
            } catch (InvalidArgument e) {
                return error(ErrorCode.INVALID_MESSAGE, e.getMessage(), replyTo);
            }
        }
        return null;
    }

    private static int offset(JsonNode command) {
        return (int) integer(command, "offset", 0, Integer.MAX_VALUE, 0);
    }

    private static int limit(JsonNode command) {
        return (int) integer(command, "limit", 1, MonitorHub.MAX_PAGE, DEFAULT_PAGE);
    }

    /** {@code filter}: absent, null or empty for every user, else part of a user id. */
    private static String filter(JsonNode command) {
        JsonNode value = command.get("filter");
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isEmpty()) {
            return "";
        }
        if (!value.isTextual() || !Principal.isValidUserId(value.textValue())) {
            throw new InvalidArgument("filter must be part of a user id: up to 64 characters of [A-Za-z0-9._@-]");
        }
        return value.textValue();
    }

    private static String connectionId(JsonNode command) {
        JsonNode value = command.get("connection_id");
        if (value == null || !value.isTextual() || !WireId.isValid(value.textValue())) {
            throw new InvalidArgument("connection_id is required: " + WireId.RULE);
        }
        return value.textValue();
    }

    /** An operator argument out of its documented range; the message names the field, never its value. */
    private static final class InvalidArgument extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidArgument(String message) {
            super(message, null, false, false);
        }
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
