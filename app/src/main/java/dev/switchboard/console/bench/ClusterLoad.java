package dev.switchboard.console.bench;

import dev.switchboard.console.ws.ClientConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load for a cluster of router nodes: {@code users} users, each with one connection on every node
 * of the cluster that is "connected", runs started on the first node's connections on an open-loop
 * schedule. Every run event reaches the user's connection on the first node (same-node delivery)
 * and on each other node (cross-node delivery, through Redis); its latency is the time it arrives
 * here less its {@code timestamp}, the owner node's clock when it emitted the event (the same wall
 * clock: every process runs on this machine). A round's events are counted per node, so an event
 * the first node delivered and another node did not is a lost one, and one more on another node a
 * duplicate.
 */
final class ClusterLoad implements AutoCloseable {
    private static final int RING = 1 << 20;
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    private static final String ACK = "{\"type\":\"message_ack\"";
    private static final String ERROR = "{\"type\":\"error\"";
    private static final String COMPLETED = "{\"type\":\"agent_completed\"";
    private static final String TIMESTAMP = "\"timestamp\":\"";
    private static final String RUN_ID = "\"run_id\":\"";
    private static final int RECENT_RUNS = 16;

    private final int users;
    private final Clock clock;
    private final EventTime eventTime = new EventTime();
    private final ExecutorService io = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "bench-cluster-io");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder().executor(io).build();
    private final List<URI> nodes = new ArrayList<>();
    /** Node index → its connections, one per user (absent while that node's connections are closed). */
    private final Map<Integer, List<Conn>> connections = new ConcurrentHashMap<>();
    /** Run number (from its message id) → when the schedule wanted it started, {@link System#nanoTime()}. */
    private final AtomicLongArray scheduled = new AtomicLongArray(RING);
    private long nextRun;
    private volatile Tally tally;

    /**
     * What one round saw.
     *
     * @param offeredRunsPerSecond the schedule's rate
     * @param seconds              how long runs were started
     * @param started              runs asked for
     * @param acked                runs the first node acknowledged
     * @param completed            runs whose {@code agent_completed} reached the first node
     * @param errors               {@code error} replies to {@code start_agent}
     * @param connectedNodes       the nodes whose connections were open, by index
     * @param events               run events received, by node index
     * @param repeated             of those, events whose {@code seq} the connection had seen already, by node index
     * @param latency              event latency (arrival less {@code timestamp}), µs, by node index
     * @param startLag             scheduled start to {@code message_ack}, µs
     * @param connectionsDown      connections that went down during the round
     */
    record Round(double offeredRunsPerSecond, double seconds, long started, long acked, long completed, long errors,
                 List<Integer> connectedNodes, long[] events, long[] repeated, Histogram[] latency, Histogram startLag,
                 long connectionsDown) {

        /** Events the first node delivered that {@code node} did not (0 when it got them all). */
        long lost(int node) {
            return Math.max(0, events[0] - (events[node] - repeated[node]));
        }

        /** The latency of every connected node but the first, together. */
        Histogram crossNode() {
            Histogram all = new Histogram(HIGHEST_MICROS, 3);
            for (int node : connectedNodes) {
                if (node != 0) {
                    all.add(latency[node]);
                }
            }
            return all;
        }

        long crossEvents() {
            return sumOverOtherNodes(node -> events[node]);
        }

        long crossLost() {
            return sumOverOtherNodes(this::lost);
        }

        /** Events other nodes delivered again (a {@code seq} a connection had seen already): each must arrive once. */
        long crossRepeated() {
            return sumOverOtherNodes(node -> repeated[node]);
        }

        private long sumOverOtherNodes(java.util.function.IntToLongFunction figure) {
            long sum = 0;
            for (int node : connectedNodes) {
                sum += node == 0 ? 0 : figure.applyAsLong(node);
            }
            return sum;
        }
    }

    /** One round's counters, replaced at the start of the next. */
    private static final class Tally {
        final LongAdder[] events;
        final LongAdder[] repeated;
        final Recorder[] latency;
        final Recorder startLag = new Recorder(HIGHEST_MICROS, 3);
        final LongAdder started = new LongAdder();
        final LongAdder acked = new LongAdder();
        final LongAdder completed = new LongAdder();
        /** The {@code seq} of each {@code agent_completed}, summed: the events of the runs that completed. */
        final LongAdder completedRunEvents = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder down = new LongAdder();

        Tally(int nodes) {
            events = new LongAdder[nodes];
            repeated = new LongAdder[nodes];
            latency = new Recorder[nodes];
            for (int i = 0; i < nodes; i++) {
                events[i] = new LongAdder();
                repeated[i] = new LongAdder();
                latency[i] = new Recorder(HIGHEST_MICROS, 3);
            }
        }
    }

    /**
     * @param users users, {@code cluster-0} … (dev auth: {@code ?user=})
     * @param clock the wall clock events are compared with
     */
    ClusterLoad(int users, Clock clock) {
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1");
        }
        this.users = users;
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.tally = new Tally(0);
    }

    /** Adds a node (its WebSocket URI); the first added is where runs start. Returns its index. */
    int addNode(URI clientUri) {
        nodes.add(Objects.requireNonNull(clientUri, "clientUri must not be null"));
        return nodes.size() - 1;
    }

    /** Opens every user's connection on {@code node} (blocking, at most a minute). */
    void connect(int node) {
        List<Conn> opened = new ArrayList<>();
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (int user = 0; user < users; user++) {
            Conn conn = new Conn(node, user);
            opened.add(conn);
            opening.add(conn.connection.open(new ClientConnection.Target(
                    URI.create(nodes.get(node) + "?user=" + userId(user)), null)));
        }
        connections.put(node, opened);
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
    }

    /** Closes every user's connection on {@code node} and waits (at most 10 s) until the node answered each close. */
    void disconnect(int node) throws InterruptedException {
        List<Conn> closing = connections.remove(node);
        if (closing == null) {
            return;
        }
        closing.forEach(conn -> conn.connection.close("bench round over"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closing.stream().anyMatch(conn -> conn.connection.isOpen()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        closing.forEach(conn -> conn.connection.abort());
    }

    static String userId(int user) {
        return "cluster-" + user;
    }

    /**
     * Starts one run for each user until every connected node delivered one of the user's events: the
     * first node then knows where each user is (presence travels asynchronously). Returns the events a
     * run streams (the {@code seq} of its {@code agent_completed}, on average); fails after {@code limit}.
     */
    double awaitDelivery(Duration limit) throws InterruptedException {
        Tally probe = new Tally(nodes.size());
        tally = probe;
        long deadline = System.nanoTime() + limit.toNanos();
        List<Integer> pending = new ArrayList<>();
        for (int user = 0; user < users; user++) {
            pending.add(user);
        }
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pending.size() + " of " + users + " users' events did not reach every"
                        + " node within " + limit.toSeconds() + " s (is the cluster's Redis up?)");
            }
            long[] before = new long[users];
            for (int user : pending) {
                before[user] = fewestEvents(user);
                startRun(user, System.nanoTime(), probe);
            }
            Thread.sleep(200);
            pending.removeIf(user -> fewestEvents(user) > before[user]);
        }
        drain(probe, Duration.ofSeconds(5));
        long completed = probe.completed.sum();
        return completed == 0 ? 0 : (double) probe.completedRunEvents.sum() / completed;
    }

    /** The fewest run events any connected node delivered to {@code user}'s connection there. */
    private long fewestEvents(int user) {
        long fewest = Long.MAX_VALUE;
        for (List<Conn> conns : connections.values()) {
            fewest = Math.min(fewest, conns.get(user).runEvents);
        }
        return fewest;
    }

    /**
     * Starts runs at {@code runsPerSecond}, round robin over the users, on a fixed schedule for
     * {@code duration}; then waits up to {@code drainLimit} for every run to complete and every
     * connected node to deliver what the first did.
     */
    Round run(double runsPerSecond, Duration duration, Duration drainLimit) {
        Tally round = new Tally(nodes.size());
        tally = round;
        List<Integer> connected = connections.keySet().stream().sorted().toList();
        long start = System.nanoTime();
        OpenLoop.run(runsPerSecond, start, start + duration.toNanos(),
                (index, scheduledNanos) -> startRun((int) (index % users), scheduledNanos, round));
        drain(round, drainLimit);
        long[] events = new long[nodes.size()];
        long[] repeated = new long[nodes.size()];
        Histogram[] latency = new Histogram[nodes.size()];
        for (int node = 0; node < nodes.size(); node++) {
            events[node] = round.events[node].sum();
            repeated[node] = round.repeated[node].sum();
            latency[node] = round.latency[node].getIntervalHistogram();
        }
        return new Round(runsPerSecond, duration.toNanos() / 1e9, round.started.sum(), round.acked.sum(),
                round.completed.sum(), round.errors.sum(), connected, events, repeated, latency,
                round.startLag.getIntervalHistogram(), round.down.sum());
    }

    private void startRun(int user, long scheduledNanos, Tally into) {
        long run = nextRun++;
        scheduled.set((int) (run & (RING - 1)), scheduledNanos);
        into.started.increment();
        connections.get(0).get(user).connection.send("{\"type\":\"start_agent\",\"message_id\":\"r" + run
                + "\",\"payload\":{\"content\":\"bench\"}}");
    }

    /** Until every run was answered and completed and every connected node caught up with the first, or the limit. */
    private void drain(Tally round, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && !drained(round)) {
            LockSupport.parkNanos(5_000_000);
        }
    }

    private boolean drained(Tally round) {
        long started = round.started.sum();
        long acked = round.acked.sum();
        if (acked + round.errors.sum() < started || round.completed.sum() < acked) {
            return false;
        }
        long first = round.events[0].sum();
        for (int node : connections.keySet()) {
            if (round.events[node].sum() < first) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        connections.values().forEach(conns -> conns.forEach(conn -> conn.connection.abort()));
        connections.clear();
        io.shutdownNow();
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /**
     * One user's connection on one node. Frames are read by scanning, not decoded into records: the
     * bench shares the machine's cores with the nodes it measures, and only three fields matter.
     */
    private final class Conn implements ClientConnection.Listener {
        final int node;
        final ClientConnection connection;
        /** Run events received; one writer (the listener runs one frame at a time). */
        volatile long runEvents;
        /** The last {@code seq} seen of the user's latest runs (a user has a run or two going at a time). */
        private final Map<String, Long> lastSeq = new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > RECENT_RUNS;
            }
        };

        Conn(int node, int user) {
            this.node = node;
            this.connection = ClientConnection.builder(client).connectTimeout(Duration.ofSeconds(30))
                    .maxQueuedSends(RING).listener(this).build();
        }

        @Override
        public void onText(String frame) {
            long arrived = nowMicros();
            Tally round = tally;
            if (node >= round.events.length) {
                return; // a node added after this round began
            }
            int stamp = frame.indexOf(TIMESTAMP);
            if (stamp >= 0 && frame.contains("\"seq\":")) {
                long at = eventTime.epochMicros(frame, stamp + TIMESTAMP.length());
                round.latency[node].recordValue(Math.min(HIGHEST_MICROS, Math.max(0, arrived - at)));
                round.events[node].increment();
                runEvents++;
                if (seenAlready(frame)) {
                    round.repeated[node].increment();
                }
                if (node == 0 && frame.startsWith(COMPLETED)) {
                    round.completed.increment();
                    round.completedRunEvents.add(seq(frame));
                }
            } else if (node == 0 && frame.startsWith(ACK)) {
                long run = runNumber(frame);
                if (run >= 0) {
                    long lag = System.nanoTime() - scheduled.get((int) (run & (RING - 1)));
                    round.startLag.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, lag / 1_000)));
                }
                round.acked.increment();
            } else if (node == 0 && frame.startsWith(ERROR)) {
                round.errors.increment();
            }
        }

        @Override
        public void onDown(ClientConnection.Down down) {
            if (!connection.isEnded()) {
                tally.down.increment();
            }
        }

        /** Whether this connection had this event's run at this {@code seq} or later already (a duplicate). */
        private boolean seenAlready(String frame) {
            int from = frame.indexOf(RUN_ID);
            if (from < 0) {
                return false;
            }
            from += RUN_ID.length();
            String runId = frame.substring(from, frame.indexOf('"', from));
            long seq = seq(frame);
            Long last = lastSeq.get(runId);
            if (last != null && last >= seq) {
                return true;
            }
            lastSeq.put(runId, seq);
            return false;
        }

        /** The {@code seq} of a run event (the last event's is the run's event count), or 0. */
        private long seq(String frame) {
            int from = frame.indexOf("\"seq\":") + "\"seq\":".length();
            int end = from;
            while (end < frame.length() && Character.isDigit(frame.charAt(end))) {
                end++;
            }
            return end == from ? 0 : Long.parseLong(frame, from, end, 10);
        }

        /** The run number in {@code "reply_to":"r<n>"}, or -1. */
        private long runNumber(String frame) {
            int at = frame.indexOf("\"reply_to\":\"r");
            if (at < 0) {
                return -1;
            }
            int from = at + "\"reply_to\":\"r".length();
            int end = frame.indexOf('"', from);
            try {
                return end < 0 ? -1 : Long.parseLong(frame, from, end, 10);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
