package dev.switchboard.console.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.ws.WholeTextListener;
import dev.switchboard.router.protocol.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated user: its connections, what it sent and is waiting for, the runs it started, and
 * the checks on everything it receives. All bookkeeping happens under the user's own lock (its
 * connections' listeners may run on different threads); nothing here is shared between users.
 */
public final class VirtualUser {
    /** How long a connect may take before it counts as failed. */
    static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(15);
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final int EARLY_EVENTS_KEPT = 16;
    private static final List<String> FIVE = List.of("agent_started", "agent_thinking", "tool_executing",
            "tool_completed", "agent_completed");

    private final String id;
    private final Scenario.Group group;
    private final Simulation sim;
    private final List<Conn> conns = new ArrayList<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private final Map<String, Run> runs = new HashMap<>();
    /** Run events for runs not (yet) known as this user's: checked when the ack arrives, else violations. */
    private final Map<String, Early> early = new HashMap<>();
    /**
     * Runs of this user that ended (kept to catch events after their end), runs cut
     * off by their connection closing, and runs found not to be this user's (counted once).
     */
    private final Map<String, Run> finished = new HashMap<>();
    private final java.util.Set<String> interruptedRuns = new java.util.HashSet<>();
    private final java.util.Set<String> foreign = new java.util.HashSet<>();
    /** A user with no open connection for this long (reconnecting or not) stops sending. */
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);
    private long disconnectedSince;
    private int messageSeq;
    private int sentCount;
    private long received;
    private long errors;
    private long violations;
    private long runsStarted;
    private long runsCompleted;
    private volatile boolean sending = true;

    private record Pending(long sentNanos, String type, Conn conn) {
    }

    private record Early(long firstSeenNanos, List<Map.Entry<Conn, JsonNode>> events) {
    }

    /**
     * One run this user started, checked separately on every connection that was open when it
     * started (a connection opened later sees only the rest of the run and is not checked).
     */
    private static final class Run {
        final long sentNanos;
        final Conn origin;
        /** The connections open at the ack, with the generation (reconnect count) they had then. */
        final Map<Conn, Integer> watched = new HashMap<>();
        final Map<Conn, Track> tracks = new HashMap<>();
        boolean firstEventSeen;
        boolean lateEventCounted;

        Run(long sentNanos, Conn origin) {
            this.sentNanos = sentNanos;
            this.origin = origin;
        }
    }

    /** The run's events as one connection saw them. */
    private static final class Track {
        long lastSeq;
        int kinds;
        int openTools;
        boolean completed;
        boolean broken;
    }

    VirtualUser(String id, Scenario.Group group, Simulation sim) {
        this.id = id;
        this.group = group;
        this.sim = sim;
    }

    String id() {
        return id;
    }

    Scenario.Group group() {
        return group;
    }

    /** Opens every connection of this user; completes when all have opened or failed. */
    CompletableFuture<Void> connect(HttpClient client, URI base, String token) {
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (int i = 0; i < group.connectionsPerUser(); i++) {
            Conn conn = new Conn(i);
            synchronized (this) {
                conns.add(conn);
            }
            opening.add(conn.open(client, base, token));
        }
        return CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new));
    }

    /** Sends one message of the mix; returns false when this user has sent all it should. */
    boolean sendNext() {
        String type = group.pick(ThreadLocalRandom.current());
        Conn conn;
        String messageId;
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
            messageId = id + "-" + ++messageSeq;
            if (!Scenario.REPLIES.get(type).isEmpty()) {
                pending.put(messageId, new Pending(System.nanoTime(), type, conn));
            }
        }
        conn.send(message(type, messageId));
        sim.sent.increment();
        return group.messagesPerUser() == 0 || sentCount < group.messagesPerUser();
    }

    private Conn openConn(int turn) {
        List<Conn> open = conns.stream().filter(conn -> conn.socket != null && !conn.closed).toList();
        return open.isEmpty() ? null : open.get(turn % open.size());
    }

    private String message(String type, String messageId) {
        ObjectNode message = MAPPER.createObjectNode().put("type", type).put("message_id", messageId);
        switch (type) {
            case "user_message", "validate_content" -> message.putObject("payload").put("content", content());
            case "start_agent" -> {
                ObjectNode payload = message.putObject("payload").put("content", content());
                payload.putArray("tools").add("web_search");
            }
            case "typing" -> message.putObject("payload").put("state", "start");
            default -> {
            }
        }
        return message.toString();
    }

    private String content() {
        StringBuilder text = new StringBuilder("Question ").append(messageSeq).append(" from ").append(id)
                .append(": how is routing today?");
        while (text.length() < group.contentChars()) {
            text.append(" Please include the latest figures.");
        }
        text.setLength(Math.max(1, group.contentChars()));
        return text.toString();
    }

    /** Stops sending; the user keeps receiving until closed. */
    void stopSending() {
        sending = false;
    }

    /** Whether nothing is outstanding: every reply and every run's end has arrived. */
    synchronized boolean settled() {
        return pending.isEmpty() && runs.isEmpty();
    }

    private void onText(Conn conn, String text) {
        long now = System.nanoTime();
        sim.received.increment();
        JsonNode frame;
        try {
            frame = MAPPER.readTree(text);
        } catch (Exception e) {
            sim.problem("unparseable frame for " + id);
            return;
        }
        String type = frame.path("type").asText("");
        synchronized (this) {
            received++;
            if (FIVE.contains(type)) {
                onRunEvent(conn, frame, now);
                return;
            }
            String replyTo = frame.path("reply_to").asText(null);
            if (replyTo != null && !replyTo.startsWith(id + "-")) {
                // Message ids are "<user>-<n>": this answers another user's message.
                leak("a reply to message " + replyTo + " of another user");
                return;
            }
            Pending request = replyTo == null ? null : pending.remove(replyTo);
            if (type.equals("error")) {
                onError(frame.path("code").asText("?"));
                return;
            }
            if (request == null) {
                return;
            }
            long elapsed = now - request.sentNanos;
            switch (request.type) {
                case "ping" -> sim.pingRtt.recordNanos(elapsed);
                case "user_message", "start_agent" -> onAck(frame, request, elapsed);
                default -> sim.replyLatency.recordNanos(elapsed);
            }
        }
    }

    private void onError(String code) {
        errors++;
        sim.error(code, !group.expectedErrors().contains(code));
    }

    private void onAck(JsonNode frame, Pending request, long elapsed) {
        sim.ackLatency.recordNanos(elapsed);
        String runId = frame.path("run_id").asText(null);
        if (runId == null) {
            return;
        }
        Run run = new Run(request.sentNanos, request.conn);
        for (Conn conn : conns) {
            if (conn.socket != null && !conn.closed) {
                run.watched.put(conn, conn.generation);
            }
        }
        run.watched.put(request.conn, request.conn.generation);
        runs.put(runId, run);
        runsStarted++;
        sim.runsStarted.increment();
        Early before = early.remove(runId);
        if (before != null) {
            for (Map.Entry<Conn, JsonNode> event : before.events) {
                track(runId, run, event.getKey(), event.getValue(), before.firstSeenNanos);
            }
        }
    }

    private void onRunEvent(Conn conn, JsonNode event, long now) {
        String runId = event.path("run_id").asText("");
        Run run = runs.get(runId);
        if (run != null) {
            track(runId, run, conn, event, now);
            return;
        }
        if (interruptedRuns.contains(runId) || foreign.contains(runId)) {
            return; // a run cut off by its connection closing (its cancellation), or one counted already
        }
        Run ended = finished.get(runId);
        if (ended != null) {
            Integer generation = ended.watched.get(conn);
            if (generation != null && generation == conn.generation && !ended.lateEventCounted) {
                ended.lateEventCounted = true;
                sim.runsOutOfOrder.increment(); // an event after agent_completed on a connection that saw it
                sim.problem(id + ": run " + runId + " sent " + event.path("type").asText() + " after agent_completed");
            }
            return;
        }
        Early seen = early.computeIfAbsent(runId, key -> new Early(now, new ArrayList<>()));
        if (seen.events.size() < EARLY_EVENTS_KEPT) {
            seen.events.add(Map.entry(conn, event));
        }
        if (conns.size() == 1) {
            // One connection: the ack always precedes a run's first event, so this run is not ours.
            violation(runId);
        }
    }

    private void track(String runId, Run run, Conn conn, JsonNode event, long now) {
        Integer generation = run.watched.get(conn);
        if (generation == null || generation != conn.generation) {
            return; // opened (or reopened) after the run started: it sees only the rest of the run
        }
        String type = event.path("type").asText();
        Track track = run.tracks.computeIfAbsent(conn, key -> new Track());
        long seq = event.path("seq").asLong(-1);
        boolean inOrder = !track.completed && seq == track.lastSeq + 1 && (seq == 1) == type.equals("agent_started");
        if (type.equals("tool_executing")) {
            track.openTools++;
        } else if (type.equals("tool_completed")) {
            inOrder &= track.openTools-- > 0;
        }
        track.broken |= !inOrder;
        track.lastSeq = seq;
        track.kinds |= 1 << FIVE.indexOf(type);
        if (conn == run.origin && type.equals("agent_started") && !run.firstEventSeen) {
            run.firstEventSeen = true;
            sim.firstEvent.recordNanos(now - run.sentNanos);
        }
        if (!type.equals("agent_completed")) {
            return;
        }
        track.completed = true;
        String status = event.path("data").path("status").asText("");
        boolean allFive = track.kinds == (1 << FIVE.size()) - 1;
        if (track.broken) {
            sim.runsOutOfOrder.increment();
        } else if (!allFive && status.equals("completed")) {
            sim.runsMissingEvents.increment();
        }
        if (conn == run.origin) {
            sim.runDuration.recordNanos(now - run.sentNanos);
            sim.runEnded(status);
            if (status.equals("completed") && allFive && !track.broken) {
                runsCompleted++;
            }
        }
        finishIfSeenEverywhere(runId, run);
    }

    /** Ends a run once every watched connection still open has seen its {@code agent_completed}. */
    private boolean finishIfSeenEverywhere(String runId, Run run) {
        for (Map.Entry<Conn, Integer> watched : run.watched.entrySet()) {
            Conn conn = watched.getKey();
            boolean stillThere = !conn.closed && conn.generation == watched.getValue();
            Track track = run.tracks.get(conn);
            if (stillThere && (track == null || !track.completed)) {
                return false;
            }
        }
        runs.remove(runId);
        run.tracks.clear();
        finished.put(runId, run);
        return true;
    }

    private void leak(String what) {
        violations++;
        sim.isolationViolations.increment();
        sim.problem("isolation violation: " + id + " got " + what);
    }

    private void violation(String runId) {
        early.remove(runId);
        if (foreign.add(runId)) {
            leak("events of run " + runId + " it did not start");
        }
    }

    /** Counts run events that never turned out to be ours within {@code graceNanos} as violations. */
    synchronized void sweep(long now, long graceNanos) {
        for (Iterator<Map.Entry<String, Early>> it = early.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Early> entry = it.next();
            if (now - entry.getValue().firstSeenNanos > graceNanos) {
                it.remove();
                violation(entry.getKey());
            }
        }
    }

    /** At the end: what is still outstanding is unanswered or incomplete. */
    synchronized void finish() {
        sweep(Long.MAX_VALUE, -1);
        sim.unanswered.add(pending.size());
        pending.clear();
        sim.runsIncomplete.add(runs.size());
        runs.clear();
    }

    void close() {
        List<Conn> all;
        synchronized (this) {
            sending = false;
            all = List.copyOf(conns);
        }
        all.forEach(Conn::close);
    }

    private synchronized void onClosed(Conn conn) {
        // Messages and runs that went out on a connection the router closed end with it (documented).
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            if (it.next().conn == conn) {
                it.remove();
                sim.interrupted.increment();
            }
        }
        for (Iterator<Map.Entry<String, Run>> it = runs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Run> entry = it.next();
            if (entry.getValue().origin == conn) {
                // The router cancels it; its agent_completed may still reach the other connections.
                it.remove();
                interruptedRuns.add(entry.getKey());
                sim.interrupted.increment();
            }
        }
        for (Map.Entry<String, Run> entry : List.copyOf(runs.entrySet())) {
            finishIfSeenEverywhere(entry.getKey(), entry.getValue());
        }
    }

    synchronized UserRow row() {
        int open = (int) conns.stream().filter(conn -> conn.socket != null && !conn.closed).count();
        return new UserRow(id, group.name(), open, sentCount, received, runsStarted, runsCompleted, errors, violations);
    }

    /**
     * One user's figures for the per-user table and report.
     *
     * @param openConnections connections open now
     */
    public record UserRow(String user, String group, int openConnections, long sent, long received,
                          long runsStarted, long runsCompleted, long errors, long isolationViolations) {
    }

    /** One connection of the user over the JDK's WebSocket client. */
    private final class Conn extends WholeTextListener {
        final int index;
        volatile WebSocket socket;
        volatile boolean closed;
        /** How many times this connection has opened: events are checked per opening. */
        volatile int generation;
        private volatile boolean closing;
        private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
        private HttpClient client;
        private URI base;
        private String token;
        private int reconnects;

        Conn(int index) {
            this.index = index;
        }

        CompletableFuture<?> open(HttpClient httpClient, URI uri, String bearer) {
            this.client = httpClient;
            this.base = uri;
            this.token = bearer;
            WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            URI target = URI.create(base + (base.getQuery() == null ? "?" : "&") + "user="
                    + URLEncoder.encode(id, StandardCharsets.UTF_8));
            return builder.buildAsync(target, this).handle((ws, failure) -> {
                if (failure != null) {
                    closed = true;
                    sim.connectionFailed(group, id, failure);
                    scheduleReconnect();
                } else if (closing) {
                    ws.abort(); // opened after the simulation ended
                } else {
                    synchronized (VirtualUser.this) {
                        generation++;
                        socket = ws;
                        closed = false;
                    }
                    reconnects = 0;
                    discardPartial();
                    sim.connectionOpened();
                }
                return null;
            });
        }

        synchronized void send(String text) {
            WebSocket ws = socket;
            lastSend = lastSend.handle((ok, failure) -> null).thenCompose(ignored -> ws.sendText(text, true));
        }

        @Override
        protected void onMessage(String text) {
            VirtualUser.this.onText(this, text);
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended("closed " + statusCode + (reason.isEmpty() ? "" : " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended("failed: " + error);
        }

        private void ended(String how) {
            closed = true;
            onClosed(this);
            if (!closing) {
                sim.connectionLost(group, id, how);
                scheduleReconnect();
            }
        }

        private void scheduleReconnect() {
            if (!group.reconnect() || closing || !sending) {
                return;
            }
            long delayMs = Math.min(5_000, 200L << Math.min(reconnects++, 5));
            sim.schedule(() -> {
                if (!closing && sending) {
                    sim.reconnects.increment();
                    open(client, base, token);
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        }

        void close() {
            closing = true;
            WebSocket ws = socket;
            if (ws != null && !closed) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "simulation over").orTimeout(2, TimeUnit.SECONDS)
                        .whenComplete((ok, failure) -> ws.abort());
            }
        }
    }
}
