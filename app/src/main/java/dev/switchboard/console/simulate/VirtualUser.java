package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.contract.RunContract;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated user: its connections ({@link ClientConnection}s), what it sent and is waiting
 * for, and the checks on everything it receives (its runs are watched by {@link UserRuns}, its
 * frames made by {@link SimMessages}). It reports through {@link SimCounters}. All bookkeeping
 * happens under the user's own lock (its connections' listeners may run on different threads);
 * nothing here is shared between users.
 */
public final class VirtualUser {
    /** How long a connect may take before it counts as failed. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);
    private static final ObjectMapper MAPPER = Json.mapper();

    private final String id;
    private final Scenario.Group group;
    private final SimCounters counters;
    private final List<Conn> conns = new ArrayList<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private final UserRuns runs;
    /** A user with no open connection for this long (reconnecting or not) stops sending. */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private long disconnectedSince;
    private int messageSeq;
    private int sentCount;
    private long received;
    private long errors;
    private long violations;
    private volatile boolean sending = true;
    /** A replayed user's recorded frames (null for a user sending the group's mix). */
    private final Recording.User script;
    /** The next of {@link #script}'s frames (guarded by this). */
    private int scriptNext;
    /** The runs started, in order: a replayed {@code stop_agent} names the run of its recorded ordinal. */
    private final List<String> runIds = new ArrayList<>();
    /** A replayed frame's type by its message id, until answered: the report's errors per type. */
    private final Map<String, String> typeOf = new HashMap<>();

    /**
     * Replayed messages still waiting for any answer (a reply or an error; a JSON-RPC request's
     * response, keyed {@code rpc:<id>}), with the connection they went on: the user is not settled
     * before.
     */
    private final Map<String, Conn> awaited = new HashMap<>();
    /** A replayed JSON-RPC request's method and when it went, by {@code rpc:<id>} (its response names no type). */
    private final Map<String, Pending> rpcSent = new HashMap<>();
    /** Types the router answers only when it refuses them: a replay waits for nothing else of them. */
    private static final java.util.Set<String> SILENT_TYPES = java.util.Set.of("stop_agent", "batch");
    /** The error of a run (its backend failed), which answers no message. */
    static final String RUN_ERRORS = "agent_run";

    /** The type under which a replay counts frames that are no message, and the errors refusing them. */
    static final String UNPARSED = "(unparsed)";

    private record Pending(long sentNanos, String type, Conn conn) {
    }

    VirtualUser(String id, Scenario.Group group, SimCounters counters) {
        this(id, group, counters, null);
    }

    /** A user that replays {@code script} (null: sends the group's mix). */
    VirtualUser(String id, Scenario.Group group, SimCounters counters, Recording.User script) {
        this.id = id;
        this.group = group;
        this.counters = counters;
        this.script = script;
        this.runs = new UserRuns(id, counters, this::leak);
    }

    String id() {
        return id;
    }

    Scenario.Group group() {
        return group;
    }

    /**
     * Opens every connection of this user; completes when all have opened or failed. Connection
     * {@code k} goes to {@code urls[(index + k) mod urls.size()]}, so a user's connections spread
     * over the routers and, with one connection each, so do the users. A connection reconnects to
     * the same router; a group that reconnects retries on {@code scheduler}.
     *
     * @param urls  the client endpoints, {@code ws://host:port/ws}
     * @param index  this user's place in the scenario (counted over every group)
     * @param tokens user id → bearer token, asked again before every reconnect; null for dev auth
     */
    CompletableFuture<Void> connect(HttpClient client, List<URI> urls, int index,
                                    java.util.function.Function<String, String> tokens,
                                    ScheduledExecutorService scheduler) {
        List<CompletableFuture<?>> opening = new ArrayList<>();
        int count = script != null ? script.connections() : group.connectionsPerUser();
        for (int k = 0; k < count; k++) {
            URI base = urls.get(Math.floorMod(index + k, urls.size()));
            Conn conn = new Conn(client, base, scheduler);
            synchronized (this) {
                conns.add(conn);
            }
            URI target = URI.create(base + (base.getQuery() == null ? "?" : "&") + "user="
                    + URLEncoder.encode(id, StandardCharsets.UTF_8));
            // a failed connect is reported through the listener; the user goes on with the others
            if (tokens != null) {
                // a router-issued token lives 5 minutes: a reconnect later than that needs a fresh one
                conn.connection.renewTargetWith(last -> new ClientConnection.Target(last.uri(), tokens.apply(id)));
            }
            opening.add(conn.connection.open(new ClientConnection.Target(target, tokens == null ? null
                    : tokens.apply(id))).exceptionally(failure -> null));
        }
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new));
    }

    /** Sends one message of the mix; returns false when this user has sent all it should. */
    boolean sendNext() {
        String type = group.pick(ThreadLocalRandom.current());
        Conn conn;
        String messageId;
        int seq;
        synchronized (this) {
            if (!sending || group.messagesPerUser() > 0 && sentCount >= group.messagesPerUser()) {
                return false;
            }
            conn = openConn(sentCount);
            if (conn == null) {
                // No open connection: wait for a reconnect, but not for ever.
                long now = System.nanoTime();
                if (disconnectedSince == 0) {
                    disconnectedSince = now;
                }
                return group.reconnect() && now - disconnectedSince < GIVE_UP_NANOS;
            }
            disconnectedSince = 0;
            sentCount++;
            seq = ++messageSeq;
            messageId = id + "-" + seq;
            if (!Scenario.REPLIES.get(type).isEmpty()) {
                pending.put(messageId, new Pending(System.nanoTime(), type, conn));
            }
        }
        conn.connection.send(SimMessages.message(type, messageId, id, seq, group.contentChars()));
        counters.sent();
        return group.messagesPerUser() == 0 || sentCount < group.messagesPerUser();
    }

    /** When a replayed user's next frame is due, in ms from the recording's start; -1 when all went out. */
    synchronized long nextDueMs() {
        return script == null || scriptNext >= script.messages().size() ? -1 : script.messages().get(scriptNext).atMs();
    }

    /**
     * Sends a replayed user's next frame, on the connection it was recorded on (another open one when
     * that one is closed); returns false when the user has no more to send.
     */
    boolean sendScripted() {
        Conn conn;
        String text;
        String type;
        synchronized (this) {
            if (!sending || scriptNext >= script.messages().size()) {
                return false;
            }
            Recording.Step step = script.messages().get(scriptNext++);
            conn = step.connection() < conns.size() && conns.get(step.connection()).open ? conns.get(step.connection())
                    : openConn(scriptNext);
            if (conn == null) {
                counters.problem(id + ": a recorded frame was not sent: no connection open");
                return scriptNext < script.messages().size();
            }
            sentCount++;
            if (step.message() == null) {
                type = UNPARSED;
                // JSON that was no message goes as recorded (masked); text that was no JSON as filler
                text = step.value() != null ? step.value().toString() : "#".repeat(Math.max(1, step.unparsedChars()));
            } else {
                com.fasterxml.jackson.databind.node.ObjectNode message = step.message().deepCopy();
                type = Recording.typeOf(message);
                if (message.path("type").isTextual()) {
                    own(message, type, conn);
                    if (type.equals("batch") && message.path("payload").path("messages").isArray()) {
                        for (JsonNode inner : message.path("payload").path("messages")) {
                            if (inner instanceof com.fasterxml.jackson.databind.node.ObjectNode element
                                    && element.path("type").isTextual()) {
                                own(element, element.path("type").textValue(), conn); // each answered on its own
                            }
                        }
                    }
                } else if (message.hasNonNull("id")) {
                    // a JSON-RPC request goes as recorded, its id too: its response is matched by that id
                    String key = "rpc:" + message.get("id");
                    rpcSent.put(key, new Pending(System.nanoTime(), type, conn));
                    awaited.put(key, conn);
                }
                if (step.run() != null && step.run() >= 1 && step.run() <= runIds.size()) {
                    renameRun(message, runIds.get(step.run() - 1));
                }
                text = message.toString();
            }
        }
        conn.connection.send(text);
        counters.sent();
        counters.sentType(type);
        synchronized (this) {
            return scriptNext < script.messages().size();
        }
    }

    /**
     * Gives a replayed message this user's own id when it had a valid one (or none), so that replies
     * are checked and told apart; an invalid one stays, to be refused as it was. Then waits for its
     * reply, or any answer of a type the simulator does not know.
     */
    private void own(com.fasterxml.jackson.databind.node.ObjectNode message, String type, Conn conn) {
        JsonNode recordedId = message.get("message_id");
        if (recordedId != null && !recordedId.isNull() && !(recordedId.isTextual()
                && dev.switchboard.router.protocol.WireId.isValid(recordedId.textValue()))) {
            return;
        }
        String messageId = id + "-" + (++messageSeq);
        message.put("message_id", messageId);
        typeOf.put(messageId, type);
        String reply = Scenario.REPLIES.get(type);
        if (reply != null && !reply.isEmpty()) {
            pending.put(messageId, new Pending(System.nanoTime(), type, conn));
        } else if (reply == null && !SILENT_TYPES.contains(type)) {
            awaited.put(messageId, conn); // a type the simulator does not know: its answer (an error, say) is waited for
        }
    }

    /** Points a recorded {@code run_id} (top level or in the payload) at this user's run of the same ordinal. */
    private static void renameRun(com.fasterxml.jackson.databind.node.ObjectNode message, String runId) {
        if (message.has("run_id")) {
            message.put("run_id", runId);
        }
        if (message.path("payload").has("run_id")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) message.get("payload")).put("run_id", runId);
        }
    }

    private Conn openConn(int turn) {
        List<Conn> open = conns.stream().filter(conn -> conn.open).toList();
        return open.isEmpty() ? null : open.get(turn % open.size());
    }

    /** Stops sending; the user keeps receiving until closed. */
    void stopSending() {
        sending = false;
    }

    /** Whether nothing is outstanding: every reply and every run's end has arrived. */
    synchronized boolean settled() {
        return pending.isEmpty() && awaited.isEmpty() && runs.allEnded();
    }

    private void onText(Conn conn, String text) {
        long now = System.nanoTime();
        counters.received();
        JsonNode frame;
        try {
            frame = MAPPER.readTree(text);
        } catch (Exception e) {
            counters.problem("unparseable frame for " + id);
            return;
        }
        String type = frame.path("type").asText("");
        synchronized (this) {
            received++;
            if (script != null && frame.has("jsonrpc") && !frame.has("type")) {
                onRpcResponse(conn, frame, now);
                return;
            }
            if (RunContract.isRunEvent(type)) {
                runs.event(conn, frame, now, conns.size() == 1);
                return;
            }
            String replyTo = frame.path("reply_to").asText(null);
            if (replyTo != null && !replyTo.startsWith(id + "-")) {
                // Message ids are "<user>-<n>": this answers another user's message.
                leak("a reply to message " + replyTo + " of another user");
                return;
            }
            Pending request = replyTo == null ? null : pending.remove(replyTo);
            String sentType = replyTo == null ? null : typeOf.remove(replyTo);
            if (replyTo != null) {
                awaited.remove(replyTo);
            }
            if (type.equals(EventType.ERROR)) {
                onError(frame.path("code").asText("?"));
                if (script != null) {
                    // no reply_to: a run's error (it names the run), or a frame refused before it had an id
                    counters.errorOfType(sentType != null ? sentType : frame.hasNonNull("run_id") ? RUN_ERRORS
                            : UNPARSED, frame.path("code").asText("?"));
                }
                return;
            }
            if (request == null) {
                return;
            }
            long elapsed = now - request.sentNanos;
            switch (request.type) {
                case "ping" -> counters.ping(elapsed);
                case "user_message", "start_agent" -> onAck(frame, request, elapsed);
                default -> counters.reply(elapsed);
            }
        }
    }

    /** A replayed JSON-RPC request's response: its error counted under its method, a run it started followed. */
    private void onRpcResponse(Conn conn, JsonNode frame, long now) {
        String key = "rpc:" + frame.get("id");
        awaited.remove(key);
        Pending request = rpcSent.remove(key);
        if (frame.has("error")) {
            String code = frame.path("error").path("data").path("code").asText("?");
            onError(code);
            counters.errorOfType(request != null ? request.type : UNPARSED, code);
            return;
        }
        String runId = frame.path("result").path("run_id").asText(null);
        if (request != null && runId != null) {
            runIds.add(runId);
            runs.started(runId, request.sentNanos, request.conn, conns);
        }
    }

    private void onError(String code) {
        errors++;
        counters.error(code, !group.expectedErrors().contains(code));
    }

    private void onAck(JsonNode frame, Pending request, long elapsed) {
        counters.ack(elapsed);
        String runId = frame.path("run_id").asText(null);
        if (runId == null) {
            return;
        }
        runIds.add(runId);
        runs.started(runId, request.sentNanos, request.conn, conns);
    }

    private void leak(String what) {
        violations++;
        counters.isolationViolation("isolation violation: " + id + " got " + what);
    }

    /** Counts run events that never turned out to be ours within {@code graceNanos} as violations. */
    synchronized void sweep(long now, long graceNanos) {
        runs.sweep(now, graceNanos);
    }

    /** At the end: what is still outstanding is unanswered or incomplete. */
    synchronized void finish() {
        runs.finish();
        counters.unanswered(pending.size() + awaited.size());
        pending.clear();
        awaited.clear();
        typeOf.clear();
        rpcSent.clear();
    }

    /** Closes every connection cleanly; completes when all are gone (at most about 2 s). */
    CompletableFuture<Void> close() {
        List<Conn> all;
        synchronized (this) {
            sending = false;
            all = List.copyOf(conns);
        }
        // the router's close frame ends each (a clean 1000 on both sides); one that does not answer
        // within 2 s is dropped
        return CompletableFuture.allOf(all.stream()
                .map(conn -> conn.connection.closeCleanly("simulation over", Duration.ofSeconds(2)))
                .toArray(CompletableFuture[]::new));
    }

    private synchronized void onClosed(Conn conn) {
        conn.open = false;
        // Messages and runs that went out on a connection the router closed end with it (documented).
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            if (it.next().conn == conn) {
                it.remove();
                counters.interrupted();
            }
        }
        for (Iterator<Conn> it = awaited.values().iterator(); it.hasNext(); ) {
            if (it.next() == conn) {
                it.remove();
                counters.interrupted();
            }
        }
        rpcSent.values().removeIf(request -> request.conn == conn);
        runs.closed(conn);
    }

    synchronized UserRow row() {
        int open = (int) conns.stream().filter(conn -> conn.open).count();
        return new UserRow(id, group.name(), open, sentCount, received, runs.started(), runs.completed(), errors,
                violations);
    }

    /**
     * One user's figures for the per-user table and report.
     *
     * @param openConnections connections open now
     */
    public record UserRow(String user, String group, int openConnections, long sent, long received,
                          long runsStarted, long runsCompleted, long errors, long isolationViolations) {
    }

    /** One connection of the user, and what the user's checks need to know of it. */
    private final class Conn implements ClientConnection.Listener, UserRuns.Link {
        final ClientConnection connection;
        /** The client endpoint (router) this connection goes to, for the per-URL figures. */
        final URI url;
        /** Open now (guarded by the user's lock, like everything the checks read). */
        boolean open;
        /** How many times this connection has opened: events are checked per opening. */
        int generation;

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public int generation() {
            return generation;
        }

        Conn(HttpClient client, URI url, ScheduledExecutorService scheduler) {
            this.url = url;
            this.connection = ClientConnection.builder(client).connectTimeout(CONNECT_TIMEOUT)
                    .reconnect(FIRST_RETRY, LAST_RETRY, scheduler, down -> group.reconnect() && sending)
                    .listener(this).build();
        }

        @Override
        public void onOpen() {
            synchronized (VirtualUser.this) {
                generation++;
                open = true;
            }
            counters.connectionOpened(url);
        }

        @Override
        public void onText(String text) {
            VirtualUser.this.onText(this, text);
        }

        @Override
        public void onDown(ClientConnection.Down down) {
            if (down.cause() == ClientConnection.Cause.CONNECT_FAILED) {
                counters.connectionFailed(group.name(), id, url, connection.describe(down.failure()));
                return;
            }
            if (!connection.isEnded()) {
                // counted before the user sees the connection closed: once it does, it may stop and
                // the simulation may report at once
                counters.connectionLost(group.name(), id, url, down.cause() == ClientConnection.Cause.CLOSED
                        ? "closed " + down.statusCode() + (down.reason().isEmpty() ? "" : " " + down.reason())
                        : "failed: " + down.failure());
            }
            onClosed(this);
        }

        @Override
        public void onReconnect() {
            counters.reconnect();
        }
    }
}
