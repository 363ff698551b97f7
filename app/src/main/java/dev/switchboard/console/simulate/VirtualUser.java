package dev.switchboard.console.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.contract.RunContract;
import dev.switchboard.console.ws.ClientConnection;
import dev.switchboard.router.protocol.EventType;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated user: its connections ({@link ClientConnection}s), what it sent and is waiting
 * for, the runs it started, and the checks on everything it receives (each run's events through a
 * {@link RunContract} per connection). It reports through {@link SimCounters}. All bookkeeping
 * happens under the user's own lock (its connections' listeners may run on different threads);
 * nothing here is shared between users.
 */
public final class VirtualUser {
    /** How long a connect may take before it counts as failed. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int EARLY_EVENTS_KEPT = 16;

    private final String id;
    private final Scenario.Group group;
    private final SimCounters counters;
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
    private final Set<String> interruptedRuns = new HashSet<>();
    private final Set<String> foreign = new HashSet<>();
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
        final Map<Conn, RunContract> tracks = new HashMap<>();
        boolean firstEventSeen;
        boolean lateEventCounted;

        Run(long sentNanos, Conn origin) {
            this.sentNanos = sentNanos;
            this.origin = origin;
        }
    }

    VirtualUser(String id, Scenario.Group group, SimCounters counters) {
        this.id = id;
        this.group = group;
        this.counters = counters;
    }

    String id() {
        return id;
    }

    Scenario.Group group() {
        return group;
    }

    /**
     * Opens every connection of this user; completes when all have opened or failed. A group that
     * reconnects retries on {@code scheduler}.
     */
    CompletableFuture<Void> connect(HttpClient client, URI base, String token, ScheduledExecutorService scheduler) {
        URI target = URI.create(base + (base.getQuery() == null ? "?" : "&") + "user="
                + URLEncoder.encode(id, StandardCharsets.UTF_8));
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (int i = 0; i < group.connectionsPerUser(); i++) {
            Conn conn = new Conn(client, scheduler);
            synchronized (this) {
                conns.add(conn);
            }
            // a failed connect is reported through the listener; the user goes on with the others
            opening.add(conn.connection.open(new ClientConnection.Target(target, token)).exceptionally(failure -> null));
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
        return pending.isEmpty() && runs.isEmpty();
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
            if (RunContract.isRunEvent(type)) {
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
            if (type.equals(EventType.ERROR)) {
                onError(frame.path("code").asText("?"));
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
        Run run = new Run(request.sentNanos, request.conn);
        for (Conn conn : conns) {
            if (conn.open) {
                run.watched.put(conn, conn.generation);
            }
        }
        run.watched.put(request.conn, request.conn.generation);
        runs.put(runId, run);
        runsStarted++;
        counters.runStarted();
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
                counters.runOutOfOrder(); // an event after agent_completed on a connection that saw it
                counters.problem(id + ": run " + runId + " sent " + event.path("type").asText() + " after agent_completed");
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
        RunContract contract = run.tracks.computeIfAbsent(conn, key -> new RunContract());
        contract.accept(type, event.path("seq").asLong(-1), event.path("data").path("tool").asText(null));
        if (conn == run.origin && type.equals(EventType.AGENT_STARTED) && !run.firstEventSeen) {
            run.firstEventSeen = true;
            counters.firstEvent(now - run.sentNanos);
        }
        if (!type.equals(EventType.AGENT_COMPLETED)) {
            return;
        }
        String status = event.path("data").path("status").asText("");
        boolean allFive = contract.sawEveryKind();
        if (!contract.inOrder()) {
            counters.runOutOfOrder();
        } else if (!allFive && status.equals("completed")) {
            counters.runMissingEvents();
        }
        if (conn == run.origin) {
            counters.runEnded(status, now - run.sentNanos);
            if (status.equals("completed") && allFive && contract.inOrder()) {
                runsCompleted++;
            }
        }
        finishIfSeenEverywhere(runId, run);
    }

    /** Ends a run once every watched connection still open has seen its {@code agent_completed}. */
    private boolean finishIfSeenEverywhere(String runId, Run run) {
        for (Map.Entry<Conn, Integer> watched : run.watched.entrySet()) {
            Conn conn = watched.getKey();
            boolean stillThere = conn.open && conn.generation == watched.getValue();
            RunContract track = run.tracks.get(conn);
            if (stillThere && (track == null || !track.completed())) {
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
        counters.isolationViolation("isolation violation: " + id + " got " + what);
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
        counters.unanswered(pending.size());
        pending.clear();
        counters.runsIncomplete(runs.size());
        runs.clear();
    }

    void close() {
        List<Conn> all;
        synchronized (this) {
            sending = false;
            all = List.copyOf(conns);
        }
        // the router's close frame ends each; one that does not answer within 2 s is dropped
        all.forEach(conn -> conn.connection.close("simulation over").orTimeout(2, TimeUnit.SECONDS)
                .whenComplete((ok, failure) -> conn.connection.abort()));
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
        for (Iterator<Map.Entry<String, Run>> it = runs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Run> entry = it.next();
            if (entry.getValue().origin == conn) {
                // The router cancels it; its agent_completed may still reach the other connections.
                it.remove();
                interruptedRuns.add(entry.getKey());
                counters.interrupted();
            }
        }
        for (Map.Entry<String, Run> entry : List.copyOf(runs.entrySet())) {
            finishIfSeenEverywhere(entry.getKey(), entry.getValue());
        }
    }

    synchronized UserRow row() {
        int open = (int) conns.stream().filter(conn -> conn.open).count();
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

    /** One connection of the user, and what the user's checks need to know of it. */
    private final class Conn implements ClientConnection.Listener {
        final ClientConnection connection;
        /** Open now (guarded by the user's lock, like everything the checks read). */
        boolean open;
        /** How many times this connection has opened: events are checked per opening. */
        int generation;

        Conn(HttpClient client, ScheduledExecutorService scheduler) {
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
            counters.connectionOpened();
        }

        @Override
        public void onText(String text) {
            VirtualUser.this.onText(this, text);
        }

        @Override
        public void onDown(ClientConnection.Down down) {
            if (down.cause() == ClientConnection.Cause.CONNECT_FAILED) {
                counters.connectionFailed(group.name(), id, connection.describe(down.failure()));
                return;
            }
            if (!connection.isEnded()) {
                // counted before the user sees the connection closed: once it does, it may stop and
                // the simulation may report at once
                counters.connectionLost(group.name(), id, down.cause() == ClientConnection.Cause.CLOSED
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
