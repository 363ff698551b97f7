package dev.switchboard.console.simulate;

import dev.switchboard.console.ws.ClientConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a {@link Scenario} against a router, or several routers of a cluster, over real WebSockets
 * (the JDK's {@code java.net.http} client, a few threads for any number of users): connects the
 * users over the ramp-up (connection {@code k} of user {@code i} to URL {@code (i + k) mod N}), sends the
 * message mix with the think time, checks everything every user receives, then drains and reports.
 * Bounded: sending stops after the scenario's duration or message count, draining after its drain
 * time, and {@link #stop()} ends it early. No JavaFX: the console's simulate panel, the
 * {@code simulate} CLI and the benchmark share it.
 */
public final class Simulation implements AutoCloseable {
    private static final long VIOLATION_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Where a simulation is. */
    public enum Phase { CONNECTING, RUNNING, DRAINING, DONE }

    private final List<URI> urls;
    private final Scenario scenario;
    private final Function<String, String> tokens;
    private final ExecutorService io = Executors.newFixedThreadPool(2, daemon("sim-io"));
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemon("sim-scheduler"));
    private final HttpClient client = HttpClient.newBuilder().executor(io).build();
    private final List<VirtualUser> users = new ArrayList<>();
    /** The users' clean closes, once the simulation finished. */
    private volatile CompletableFuture<Void> closing = CompletableFuture.completedFuture(null);
    private final CompletableFuture<SimReport> report = new CompletableFuture<>();
    private final AtomicInteger usersSending = new AtomicInteger();
    private volatile Phase phase = Phase.CONNECTING;
    private volatile long startNanos;
    private volatile long sendingEndedNanos;
    private Instant startedAt;

    private final SimTotals totals;

    /**
     * @param url      the router's client endpoint, {@code ws://host:port/ws}
     * @param scenario what to run
     * @param tokens   user id → bearer token, or null for dev auth ({@code ?user=} only)
     */
    public Simulation(URI url, Scenario scenario, Function<String, String> tokens) {
        this(List.of(Objects.requireNonNull(url, "url must not be null")), scenario, tokens);
    }

    /**
     * @param urls     the client endpoints of the routers to spread the users' connections over,
     *                 each {@code ws://host:port/ws}; at least one, none twice (see {@link #checkUrls})
     * @param scenario what to run
     * @param tokens   user id → bearer token, or null for dev auth ({@code ?user=} only); the
     *                 same token is used on every router (the routers of a cluster share their secret)
     */
    public Simulation(List<URI> urls, Scenario scenario, Function<String, String> tokens) {
        this.urls = checkUrls(urls);
        this.scenario = Objects.requireNonNull(scenario, "scenario must not be null");
        this.tokens = tokens;
        this.totals = new SimTotals(this.urls);
    }

    /**
     * The client endpoints as a simulation takes them: at least one and none twice (the per-URL
     * figures would add up two nodes as one).
     *
     * @return an unmodifiable copy
     * @throws IllegalArgumentException naming the problem
     */
    public static List<URI> checkUrls(List<URI> urls) {
        Objects.requireNonNull(urls, "urls must not be null");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no router URL given");
        }
        Set<URI> seen = new HashSet<>();
        for (URI url : urls) {
            if (!seen.add(Objects.requireNonNull(url, "urls must not hold null"))) {
                throw new IllegalArgumentException("router URL given twice: " + url);
            }
        }
        return List.copyOf(urls);
    }

    public Scenario scenario() {
        return scenario;
    }

    /** The client endpoints the users' connections spread over, in the order given. */
    public List<URI> urls() {
        return urls;
    }

    /** Connects the users over their ramp-ups and starts sending; returns at once. */
    public synchronized Simulation start() {
        if (startedAt != null) {
            throw new IllegalStateException("a simulation runs once");
        }
        startedAt = Instant.now();
        startNanos = System.nanoTime();
        phase = Phase.RUNNING;
        if (scenario.replay() != null) {
            startReplay(scenario.replay());
        } else {
            startGroups();
        }
        if (scenario.durationMs() > 0) {
            scheduler.schedule(this::drain, scenario.durationMs(), TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(this::sweep, 500, 500, TimeUnit.MILLISECONDS);
        return this;
    }

    /** How long before its first recorded frame is due a replayed user connects. */
    private static final long REPLAY_LEAD_MS = 1_000;

    /**
     * Each recorded user (and its clones) connects shortly before its first frame was recorded, and
     * sends every frame when it was recorded, from the replay's start at its speed.
     */
    private void startReplay(Scenario.Replay replay) {
        Scenario.Group group = scenario.groups().get(0);
        usersSending.set(replay.recording().users().size() * replay.usersScale());
        int index = 0;
        for (Recording.User recorded : replay.recording().users()) {
            long firstAt = recorded.messages().isEmpty() ? 0 : recorded.messages().get(0).atMs();
            // a second (real time, whatever the speed) before its first frame is due
            long connectAt = Math.max(0, (long) (firstAt / replay.speed()) - REPLAY_LEAD_MS);
            for (int clone = 0; clone < replay.usersScale(); clone++) {
                VirtualUser user = new VirtualUser(replay.userId(recorded, clone), group, totals, recorded);
                users.add(user);
                int spread = index++;
                // clones a millisecond apart: a thousand of one user do not all knock at once
                scheduler.schedule(() -> connect(user, spread), connectAt + clone, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void startGroups() {
        usersSending.set(scenario.totalUsers());
        int index = 0;
        for (Scenario.Group group : scenario.groups()) {
            for (int i = 0; i < group.users(); i++) {
                VirtualUser user = new VirtualUser(group.userPrefix() + "-" + i, group, totals);
                users.add(user);
                long offset = group.users() == 1 ? 0 : group.rampUpMs() * i / (group.users() - 1);
                // counted over every group, so that small groups spread over the URLs too
                int spread = index++;
                scheduler.schedule(() -> connect(user, spread), offset, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void connect(VirtualUser user, int index) {
        if (phase != Phase.RUNNING) {
            userDone();
            return;
        }
        try {
            user.connect(client, urls, index, tokens, scheduler)
                    .whenComplete((ok, failure) -> scheduleNext(user));
        } catch (RuntimeException e) {
            // before any connection was tried (no token, say): counted in the totals, under no URL
            totals.connectionFailed(user.group().name(), user.id(), null,
                    ClientConnection.describe(e, VirtualUser.CONNECT_TIMEOUT));
            userDone();
        }
    }

    private void scheduleNext(VirtualUser user) {
        if (scenario.replay() != null) {
            scheduleRecorded(user, scenario.replay().speed());
            return;
        }
        long pause = user.group().thinkTime().nextMs(ThreadLocalRandom.current());
        scheduler.schedule(() -> {
            if (phase != Phase.RUNNING) {
                return;
            }
            try {
                if (user.sendNext()) {
                    scheduleNext(user);
                    return;
                }
            } catch (RuntimeException e) {
                totals.problem(user.id() + ": " + e);
            }
            userDone();
        }, pause, TimeUnit.MILLISECONDS);
    }

    /** Sends a replayed user's next frame when it is due (from the start, at {@code speed}). */
    private void scheduleRecorded(VirtualUser user, double speed) {
        long due = user.nextDueMs();
        if (due < 0) {
            userDone();
            return;
        }
        long delay = startNanos + (long) (due * 1e6 / speed) - System.nanoTime();
        scheduler.schedule(() -> {
            if (phase != Phase.RUNNING) {
                return;
            }
            try {
                if (user.sendScripted()) {
                    scheduleRecorded(user, speed);
                    return;
                }
            } catch (RuntimeException e) {
                totals.problem(user.id() + ": " + e);
            }
            userDone();
        }, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    private void userDone() {
        if (usersSending.decrementAndGet() == 0) {
            drain();
        }
    }

    /** Ends sending early (the drain and report follow). */
    public void stop() {
        drain();
    }

    private synchronized void drain() {
        if (phase != Phase.RUNNING) {
            return;
        }
        phase = Phase.DRAINING;
        sendingEndedNanos = System.nanoTime();
        users.forEach(VirtualUser::stopSending);
        long deadline = sendingEndedNanos + TimeUnit.MILLISECONDS.toNanos(scenario.drainMs());
        scheduler.execute(() -> awaitSettled(deadline, -1));
    }

    /** How long every user must have been settled, with no frame arriving, before the report. */
    private static final long QUIET_MS = 200;

    /**
     * Finishes once every user is settled and no frame arrived for {@link #QUIET_MS} (a frame still on
     * its way to another connection, such as an event leaked to another user, is counted), or at
     * {@code deadline}.
     *
     * @param receivedWhenSettled frames received when all were last seen settled, or -1
     */
    private void awaitSettled(long deadline, long receivedWhenSettled) {
        if (System.nanoTime() >= deadline) {
            finish();
            return;
        }
        boolean settled = users.stream().allMatch(VirtualUser::settled);
        long received = totals.received.sum();
        if (settled && received == receivedWhenSettled) {
            finish();
            return;
        }
        scheduler.schedule(() -> awaitSettled(deadline, settled ? received : -1), settled ? QUIET_MS : 50,
                TimeUnit.MILLISECONDS);
    }

    private void finish() {
        long endNanos = System.nanoTime();
        users.forEach(VirtualUser::finish);
        closing = CompletableFuture.allOf(users.stream().map(VirtualUser::close).toArray(CompletableFuture[]::new));
        phase = Phase.DONE;
        try {
            report.complete(SimReport.of(this, startedAt, Duration.ofNanos(endNanos - startNanos),
                    Duration.ofNanos((sendingEndedNanos == 0 ? endNanos : sendingEndedNanos) - startNanos)));
        } catch (RuntimeException e) {
            report.completeExceptionally(e);
        }
        // the threads go once every connection said goodbye (a clean close), not before
        closing.whenComplete((done, failure) -> shutdown());
    }

    private void sweep() {
        long now = System.nanoTime();
        for (VirtualUser user : List.copyOf(users)) {
            user.sweep(now, VIOLATION_GRACE_NANOS);
        }
    }

    /** Completes with the report once the simulation is done. */
    public CompletableFuture<SimReport> report() {
        return report;
    }

    /** Where it is now: counters and the latency figures of the interval since the last call. */
    public Progress progress() {
        long elapsedNanos = startNanos == 0 ? 0 : System.nanoTime() - startNanos;
        double fraction;
        if (phase == Phase.DONE) {
            fraction = 1;
        } else if (scenario.durationMs() > 0) {
            fraction = Math.min(1, elapsedNanos / 1e6 / scenario.durationMs());
        } else {
            long planned = scenario.groups().stream().mapToLong(g -> (long) g.users() * g.messagesPerUser()).sum();
            fraction = Math.min(1, totals.sent.sum() / (double) planned);
        }
        return new Progress(phase, elapsedNanos / 1_000_000, fraction, connectedUsers(), scenario.totalUsers(),
                totals.sent.sum(), totals.received.sum(), totals.runsStarted.sum(), totals.runsEnded(),
                totals.errorsTotal(), totals.isolationViolations.sum(), totals.connectionFailures(),
                totals.ackLatency.sample(), totals.firstEvent.sample(), totals.runDuration.sample(),
                totals.pingRtt.sample());
    }

    /** What the users reported so far. */
    SimTotals totals() {
        return totals;
    }

    /** One row per user (for the per-user table). */
    public List<VirtualUser.UserRow> userRows() {
        List<VirtualUser> copy;
        synchronized (this) {
            copy = List.copyOf(users);
        }
        return copy.stream().map(VirtualUser::row).toList();
    }

    private int connectedUsers() {
        List<VirtualUser> copy;
        synchronized (this) {
            copy = List.copyOf(users);
        }
        return (int) copy.stream().filter(user -> user.row().openConnections() > 0).count();
    }

    private void shutdown() {
        scheduler.shutdownNow();
        io.shutdownNow();
    }

    /** Stops at once (no drain); the report, if not yet made, completes from what was seen. */
    @Override
    public void close() {
        synchronized (this) {
            if (phase == Phase.RUNNING || phase == Phase.CONNECTING) {
                phase = Phase.DRAINING;
                sendingEndedNanos = System.nanoTime();
            }
        }
        if (!report.isDone()) {
            finish();
        }
        try {
            // the clean closes started by finish() take at most about 2 s: let them end before the
            // client's threads go, or the router sees dropped connections (1006)
            closing.get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // shut down anyway
        }
        shutdown();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * A live view of a simulation; latency figures cover the interval since the previous progress.
     *
     * @param fraction how far along the sending is, 0 … 1
     */
    public record Progress(Phase phase, long elapsedMs, double fraction, int connectedUsers, int users, long sent,
                           long received, long runsStarted, long runsEnded, long errors, long isolationViolations,
                           long connectionFailures, Measure.Figures ack, Measure.Figures firstEvent,
                           Measure.Figures run, Measure.Figures ping) {

        /** A one-line summary for terminals. */
        public String line() {
            return String.format(java.util.Locale.ROOT,
                    "[%6.1fs %3.0f%% %-10s] users %d/%d  sent %,d  recv %,d  runs %,d/%,d  errors %,d  isolation %d  conn-fail %d  ack p99 %s  ping p99 %s",
                    elapsedMs / 1000.0, fraction * 100, phase.name().toLowerCase(java.util.Locale.ROOT),
                    connectedUsers, users, sent, received, runsEnded, runsStarted, errors, isolationViolations,
                    connectionFailures, p99(ack), p99(ping));
        }

        private static String p99(Measure.Figures figures) {
            return figures.count() == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.1f ms", figures.p99());
        }
    }
}
