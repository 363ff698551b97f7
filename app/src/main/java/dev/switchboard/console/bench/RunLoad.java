package dev.switchboard.console.bench;

import dev.switchboard.console.ws.ClientConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Agent runs as users see them: {@code users} users with {@code connectionsPerUser} WebSockets each
 * (the JDK client), every run started with a {@code user_message} on the user's first connection,
 * and every run event counted on each of the user's connections. Each run has a {@code thread_id}
 * of its own ({@code b<user>-<n>}), which every event of it carries, so an event finds its run. Two
 * ways to drive it:
 * <ul>
 *   <li>{@link #saturate}: every user keeps {@code window} runs in flight, starting the next as one's
 *       {@code agent_completed} arrives — the most events a second the target delivers;</li>
 *   <li>{@link #openLoop}: runs start on a fixed schedule whatever the target does. Each event's
 *       emit→receive latency is its arrival here less its {@code timestamp} (the emitter's wall clock
 *       when it sent it: every process runs on this machine); {@code user_message} →
 *       {@code agent_started} runs from the run's <em>scheduled</em> start, so a stall is charged to
 *       every run it delayed.</li>
 * </ul>
 * Bounded: each phase ends after its duration and waits at most {@link RequestLoad#SETTLE} for its runs to end.
 */
final class RunLoad implements AutoCloseable {
    private static final int RING = 1 << 16;
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);
    private static final String THREAD_ID = "\"thread_id\":\"b";
    private static final String TIMESTAMP = "\"timestamp\":\"";

    private final URI target;
    private final int connectionsPerUser;
    private final ExecutorService io = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "bench-runs-io");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder().executor(io).build();
    private final List<User> users = new ArrayList<>();
    private final EventTime eventTime = new EventTime();
    private final Recorder emitToReceive = new Recorder(HIGHEST_MICROS, 3);
    private final Recorder startLatency = new Recorder(HIGHEST_MICROS, 3);
    private final LongAdder events = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final List<String> probe = new CopyOnWriteArrayList<>();
    private volatile Phase phase = new Phase(false, Long.MAX_VALUE, Long.MIN_VALUE);

    private record Phase(boolean closed, long measureFrom, long measureUntil) {
        boolean inWindow(long nanos) {
            return nanos >= measureFrom && nanos < measureUntil;
        }
    }

    /**
     * What one phase measured.
     *
     * @param offeredRunsPerSecond the open loop's schedule (0 for saturation)
     * @param eventsPerSecond      run events received a second inside the measured window, on all connections
     * @param runsPerSecond        runs completed a second inside the window
     * @param failed               runs that ended with a status other than {@code completed}
     * @param errors               {@code error} replies
     * @param unfinished           runs with no {@code agent_completed} when the phase ended and settled
     * @param emitToReceive        event arrival less its {@code timestamp}, µs (runs scheduled in the window)
     * @param startLatency         scheduled start to {@code agent_started} on the first connection, µs
     * @param unfinishedDetail     which runs were unfinished and how far each got (acknowledged or
     *                             not, its request's send failure), empty when none was
     */
    record Result(double offeredRunsPerSecond, double eventsPerSecond, double runsPerSecond, long failed, long errors,
                  long unfinished, Histogram emitToReceive, Histogram startLatency, String unfinishedDetail) {
        double emitP50Ms() {
            return emitToReceive.getValueAtPercentile(50) / 1e3;
        }

        double emitP99Ms() {
            return emitToReceive.getValueAtPercentile(99) / 1e3;
        }

        double emitP999Ms() {
            return emitToReceive.getValueAtPercentile(99.9) / 1e3;
        }

        double startP50Ms() {
            return startLatency.getValueAtPercentile(50) / 1e3;
        }

        double startP99Ms() {
            return startLatency.getValueAtPercentile(99) / 1e3;
        }

        boolean clean() {
            return failed == 0 && errors == 0 && unfinished == 0;
        }
    }

    RunLoad(URI target, int users, int connectionsPerUser) {
        this.target = Objects.requireNonNull(target, "target must not be null");
        this.connectionsPerUser = connectionsPerUser;
        for (int user = 0; user < users; user++) {
            this.users.add(new User(user));
        }
    }

    /** Opens every connection (blocking, at most a minute). */
    RunLoad connect() {
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        for (User user : users) {
            for (int i = 0; i < connectionsPerUser; i++) {
                opening.add(user.open(i));
            }
        }
        RequestLoad.awaitOpen(opening, this);
        return this;
    }

    /**
     * One run of the first user, outside any phase: the frames its first connection received for it,
     * from the {@code message_ack} to the {@code agent_completed}, as {@code type:bytes}.
     */
    List<RunEchoServer.Push> probe(Duration limit) {
        probe.clear();
        User first = users.get(0);
        first.start(System.nanoTime());
        long deadline = System.nanoTime() + limit.toNanos();
        while (probe.stream().noneMatch(frame -> frame.startsWith("{\"type\":\"agent_completed\""))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no agent_completed within " + limit.toSeconds() + " s; received " + probe);
            }
            LockSupport.parkNanos(1_000_000);
        }
        List<RunEchoServer.Push> pushes = new ArrayList<>();
        for (String frame : probe) {
            String type = frame.substring("{\"type\":\"".length(), frame.indexOf('"', "{\"type\":\"".length()));
            pushes.add(new RunEchoServer.Push(type, frame.length()));
        }
        first.reset();
        return pushes;
    }

    /** Saturation: {@code window} runs in flight per user, the next started as one completes. */
    Result saturate(int window, Duration leadIn, Duration measure) {
        long start = System.nanoTime();
        begin(new Phase(true, start + leadIn.toNanos(), start + leadIn.toNanos() + measure.toNanos()));
        for (User user : users) {
            for (int i = 0; i < window; i++) {
                user.start(System.nanoTime());
            }
        }
        RequestLoad.sleepUntil(start + leadIn.toNanos() + measure.toNanos());
        return end(0, measure);
    }

    /** Runs started at {@code runsPerSecond} across all users, round robin, on a fixed schedule. */
    Result openLoop(double runsPerSecond, Duration leadIn, Duration measure) {
        long start = System.nanoTime();
        long until = start + leadIn.toNanos() + measure.toNanos();
        begin(new Phase(false, start + leadIn.toNanos(), until));
        OpenLoop.run(runsPerSecond, start, until, (index, scheduled) -> users.get((int) (index % users.size())).start(scheduled));
        return end(runsPerSecond, measure);
    }

    private void begin(Phase next) {
        emitToReceive.reset();
        startLatency.reset();
        events.reset();
        completed.reset();
        failed.reset();
        errors.reset();
        users.forEach(User::reset);
        phase = next;
    }

    private Result end(double offered, Duration measure) {
        Phase ended = phase;
        phase = new Phase(false, ended.measureFrom(), ended.measureUntil()); // closed loop: start no more runs
        long settleUntil = System.nanoTime() + RequestLoad.SETTLE.toNanos();
        while (unfinished() > 0 && System.nanoTime() < settleUntil) {
            LockSupport.parkNanos(1_000_000);
        }
        long unfinished = unfinished();
        String detail = unfinished == 0 ? "" : String.join("; ", users.stream().map(User::unfinishedDetail)
                .filter(text -> !text.isEmpty()).limit(10).toList());
        phase = new Phase(false, Long.MAX_VALUE, Long.MIN_VALUE);
        double seconds = measure.toNanos() / 1e9;
        return new Result(offered, events.sum() / seconds, completed.sum() / seconds, failed.sum(), errors.sum(), unfinished,
                emitToReceive.getIntervalHistogram(), startLatency.getIntervalHistogram(), detail);
    }

    private long unfinished() {
        return users.stream().mapToLong(User::unfinished).sum();
    }

    @Override
    public void close() {
        users.forEach(User::abort);
        io.shutdownNow();
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** One user: its connections and its runs' scheduled starts by number. */
    private final class User {
        final int index;
        final List<ClientConnection> connections = new ArrayList<>();
        final long[] scheduled = new long[RING];
        final boolean[] ended = new boolean[RING];
        final boolean[] acked = new boolean[RING];
        /** Whether the client's send of the run's request completed (the socket took it). */
        final boolean[] sent = new boolean[RING];
        final String[] sendFailure = new String[RING];
        private long nextRun;
        private long phaseStart;
        private long endedCount;

        User(int index) {
            this.index = index;
        }

        CompletableFuture<Void> open(int number) {
            ClientConnection connection = ClientConnection.builder(client).connectTimeout(Duration.ofSeconds(10))
                    .maxQueuedSends(RING).listener(text -> onText(number, text)).build();
            connections.add(connection);
            return connection.open(new ClientConnection.Target(URI.create(target + "?user=bench-runs-" + index), null));
        }

        synchronized void reset() {
            phaseStart = nextRun;
            endedCount = 0;
        }

        synchronized long unfinished() {
            return nextRun - phaseStart - endedCount;
        }

        synchronized void start(long scheduledNanos) {
            if (nextRun - phaseStart >= RING) {
                throw new IllegalStateException("more than " + RING + " runs of one user in one phase: use more users"
                        + " or a shorter phase");
            }
            long run = nextRun++;
            int slot = (int) (run & (RING - 1));
            scheduled[slot] = scheduledNanos;
            ended[slot] = false;
            acked[slot] = false;
            sent[slot] = false;
            sendFailure[slot] = null;
            connections.get(0).send("{\"type\":\"user_message\",\"message_id\":\"m" + index + "-" + run
                    + "\",\"thread_id\":\"b" + index + "-" + run + "\",\"payload\":{\"content\":\"bench run " + run + "\"}}")
                    .whenComplete((ignored, failure) -> {
                        if (failure != null) {
                            sendFailed(run, failure);
                        } else {
                            sentOut(run);
                        }
                    });
        }

        private synchronized void sentOut(long run) {
            if (run >= phaseStart && run < nextRun) {
                sent[(int) (run & (RING - 1))] = true;
            }
        }

        private synchronized void sendFailed(long run, Throwable failure) {
            if (run >= phaseStart && run < nextRun) {
                sendFailure[(int) (run & (RING - 1))] = String.valueOf(failure);
            }
        }

        /**
         * {@code user 7: run 12 acknowledged, run 13 not acknowledged (send failed: …)} (its first five; a request
         * the client never finished sending says so),
         * or "" with none unfinished.
         */
        synchronized String unfinishedDetail() {
            StringBuilder text = new StringBuilder();
            int listed = 0;
            for (long run = phaseStart; run < nextRun && listed < 5; run++) {
                int slot = (int) (run & (RING - 1));
                if (ended[slot]) {
                    continue;
                }
                listed++;
                text.append(text.length() == 0 ? "user " + index + ": " : ", ").append("run ").append(run)
                        .append(acked[slot] ? " acknowledged" : " not acknowledged");
                if (sendFailure[slot] != null) {
                    text.append(" (send failed: ").append(sendFailure[slot]).append(')');
                } else if (!sent[slot]) {
                    text.append(" (its request still waiting to be sent)");
                }
            }
            return text.toString();
        }

        /** The run's scheduled start if it belongs to the current phase, else {@code Long.MIN_VALUE}. */
        synchronized long scheduledOf(long run) {
            return run < phaseStart || run >= nextRun ? Long.MIN_VALUE : scheduled[(int) (run & (RING - 1))];
        }

        private synchronized void acknowledged(long run) {
            if (run >= phaseStart && run < nextRun) {
                acked[(int) (run & (RING - 1))] = true;
            }
        }

        /** Marks {@code run} ended; false if it was already, or is not of this phase. */
        synchronized boolean end(long run) {
            int slot = (int) (run & (RING - 1));
            if (run < phaseStart || run >= nextRun || ended[slot]) {
                return false;
            }
            ended[slot] = true;
            endedCount++;
            return true;
        }

        void abort() {
            connections.forEach(ClientConnection::abort);
        }

        private void onText(int connection, String frame) {
            long arrivedNanos = System.nanoTime();
            long arrivedMicros = nowMicros();
            if (phase.measureFrom() == Long.MAX_VALUE && connection == 0 && index == 0 && frame.contains(THREAD_ID)) {
                probe.add(frame);
            }
            if (frame.startsWith("{\"type\":\"error\"")) {
                errors.increment();
                return;
            }
            int at = frame.indexOf(THREAD_ID);
            if (at < 0) {
                return;
            }
            int dash = frame.indexOf('-', at);
            long run = Long.parseLong(frame, dash + 1, frame.indexOf('"', dash), 10);
            if (frame.startsWith("{\"type\":\"message_ack\"")) {
                acknowledged(run);
                return;
            }
            long scheduledNanos = scheduledOf(run);
            if (scheduledNanos == Long.MIN_VALUE) {
                return; // an event of an earlier phase's run
            }
            Phase current = phase;
            if (current.inWindow(arrivedNanos)) {
                events.increment();
            }
            boolean measured = current.inWindow(scheduledNanos);
            int stamp = frame.indexOf(TIMESTAMP);
            if (measured && stamp >= 0) {
                long emitted = eventTime.epochMicros(frame, stamp + TIMESTAMP.length());
                emitToReceive.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, arrivedMicros - emitted)));
            }
            if (connection != 0) {
                return;
            }
            if (frame.startsWith("{\"type\":\"agent_started\"") && measured) {
                startLatency.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (arrivedNanos - scheduledNanos) / 1_000)));
            } else if (frame.startsWith("{\"type\":\"agent_completed\"") && end(run)) {
                if (current.inWindow(arrivedNanos)) {
                    completed.increment();
                }
                if (!frame.contains("\"status\":\"completed\"") && frame.contains("\"status\":")) {
                    failed.increment();
                }
                if (current.closed() && arrivedNanos < current.measureUntil()) {
                    start(System.nanoTime());
                }
            }
        }
    }
}
