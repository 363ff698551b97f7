package dev.switchboard.router.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionClose;
import dev.switchboard.router.connections.ConnectionListener;
import dev.switchboard.router.event.Listeners;
import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.monitor.wire.ConnectionPage;
import dev.switchboard.router.monitor.wire.ConnectionSummary;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.ProtectionState;
import dev.switchboard.router.monitor.wire.RunSummary;
import dev.switchboard.router.monitor.wire.Stats;
import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.protection.Breakers;
import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.protocol.ServerEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's embedded {@link RouterFeed}: hears every connection, admitted message, error, run
 * event, breaker and rollout transition; keeps bounded recent runs and errors for snapshots; and
 * delivers coalesced updates on one ticker thread at a fixed rate.
 *
 * <p>What an update costs does not grow with the connections or the traffic: the events of one
 * period go into one buffer shared by every subscriber, and each tick builds one update that every
 * subscriber gets (a remote monitor's connection encodes it once for all). Messages in and events
 * other than runs' are listed one by one up to a limit per update; runs are listed whole (start,
 * every event, end) up to a number of new runs per update, so that a run shown is never a run with
 * holes; errors sent have a budget of their own, as large as the messages'; the rest is counted by
 * type in one {@code coalesced} event. Connections, breakers and rollouts are always listed, up to
 * the buffer's capacity; over it they are counted in {@code dropped}. {@code protection} goes out
 * once a second, and at once when it changed. Publishing costs one volatile read while nobody
 * watches.
 */
public final class MonitorHub implements RouterFeed, TrafficListener, ConnectionListener, RunListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MonitorHub.class);
    /** Distinct types a {@code coalesced} event counts one by one; the rest count under {@code other}. */
    private static final int COALESCED_TYPES = 64;
    /** Every this many updates carry {@code protection} (once a second at 10 updates a second). */
    private static final int PROTECTION_EVERY = 10;
    /** Connections one {@code connections} page may hold. */
    public static final int MAX_PAGE = 1_000;

    /** What the hub reads from the router at each tick and for each snapshot. */
    public interface Sources {
        /** Aggregates: counts, rates, latency, queue depth. */
        Stats stats();

        /** Protection and rollout state: breakers, rollout, limits, queue policy. */
        ProtectionState protection();

        /** Open connections. */
        List<ConnectionInfo> connections();

        /** Runs in flight. */
        List<RunInfo> runsInFlight();

        /** Types some handler serves. */
        List<String> handlerTypes();

        /** This node and the cluster it belongs to (members empty for a router alone). */
        ClusterView cluster();
    }

    private final class Sub implements Subscription {
        final Listener listener;

        Sub(Listener listener) {
            this.listener = listener;
        }

        @Override
        public void close() {
            subscribers.remove(this);
            active = !subscribers.isEmpty();
        }
    }

    private final Clock clock;
    private final Sources sources;
    private final int eventsPerUpdate;
    private final int trafficPerUpdate;
    private final int snapshotConnections;
    private final int recentRunsLimit;
    private final int recentErrorsLimit;
    private final CopyOnWriteArrayList<Sub> subscribers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<RunSummary> recentRuns = new ArrayDeque<>();
    private final ArrayDeque<MonitorEvent.ErrorSent> recentErrors = new ArrayDeque<>();
    /** Operator actions kept for snapshots: what changed before a monitor attached. */
    private final ArrayDeque<MonitorEvent.OperatorAction> recentActions = new ArrayDeque<>();
    static final int RECENT_ACTIONS = 100;
    /** This period's events, for every subscriber (bounded by {@link #listed}). */
    private final ConcurrentLinkedQueue<MonitorEvent> pending = new ConcurrentLinkedQueue<>();
    /** Events this period listed, and traffic events among them. */
    private final AtomicInteger listed = new AtomicInteger();
    private final AtomicInteger trafficListed = new AtomicInteger();
    private final AtomicInteger errorsListed = new AtomicInteger();
    private final AtomicInteger tracesListed = new AtomicInteger();
    /** This period's traffic over the limit, by type. */
    private final ConcurrentHashMap<String, LongAdder> coalesced = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    /** Runs in flight the monitor has heard of: listed in full (true) or counted (false). */
    private final ConcurrentHashMap<String, Boolean> runs = new ConcurrentHashMap<>();
    private final AtomicInteger runsFollowed = new AtomicInteger();
    /** Runs that ended this period, and the period before (their decisions go at the next tick). */
    private final ConcurrentLinkedQueue<String> endedRuns = new ConcurrentLinkedQueue<>();
    private List<String> endedBefore = List.of();
    private final int runsPerUpdate;
    /** A breaker or the rollout changed since the last update: the next one carries {@code protection}. */
    private volatile boolean protectionChanged = true;
    private final ScheduledExecutorService ticker;
    private final AtomicLong updateSeq = new AtomicLong();
    private volatile boolean active;

    /**
     * @param clock               time source
     * @param sources             the router's state
     * @param tick                the update period (at least 100 ms: at most 10 updates a second)
     * @param eventsPerUpdate     events one update may list (state changes and traffic)
     * @param trafficPerUpdate    messages and other events one update lists one by one; the rest are coalesced
     * @param runsPerUpdate       runs first heard of in one period that are listed in full; the
     *                            others' starts, events and ends are coalesced
     * @param snapshotConnections connections a snapshot lists, the most active first
     * @param recentRuns          ended runs kept for snapshots
     * @param recentErrors        errors kept for snapshots
     */
    public MonitorHub(Clock clock, Sources sources, Duration tick, int eventsPerUpdate, int trafficPerUpdate,
                      int runsPerUpdate, int snapshotConnections, int recentRuns, int recentErrors) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.sources = Objects.requireNonNull(sources, "sources must not be null");
        if (tick.toMillis() < 100) {
            throw new IllegalArgumentException("tick must be at least 100 ms (at most 10 updates a second)");
        }
        this.eventsPerUpdate = eventsPerUpdate;
        this.trafficPerUpdate = trafficPerUpdate;
        this.runsPerUpdate = runsPerUpdate;
        this.snapshotConnections = snapshotConnections;
        this.recentRunsLimit = recentRuns;
        this.recentErrorsLimit = recentErrors;
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "switchboard-monitor");
            thread.setDaemon(true);
            return thread;
        });
        // fixed delay, not fixed rate: a late tick is never followed by a catch-up burst, so two
        // updates are always at least one period apart (at most 10 a second)
        ticker.scheduleWithFixedDelay(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Subscribes {@code listener}. Its first update may repeat events from just before: subscribe,
     * then take the snapshot, and nothing between them is lost.
     */
    @Override
    public Subscription subscribe(Listener listener) {
        Sub sub = new Sub(Objects.requireNonNull(listener, "listener must not be null"));
        subscribers.add(sub);
        protectionChanged = true; // its first update carries protection
        active = true;
        return sub;
    }

    /** A state change: listed unless this period already holds as many events as an update may. */
    private void publish(MonitorEvent event) {
        if (listed.getAndIncrement() < eventsPerUpdate) {
            pending.add(event);
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Traffic: listed up to the per-update limit, then counted by type. */
    private void publishTraffic(String type, Supplier<MonitorEvent> event) {
        if (trafficListed.getAndIncrement() < trafficPerUpdate) {
            publish(event.get());
            return;
        }
        count(type);
    }

    /** Counts one event of {@code type} in this period's {@code coalesced}. */
    private void count(String type) {
        String key = type == null ? "other" : type;
        LongAdder count = coalesced.get(key);
        if (count == null) {
            count = coalesced.size() < COALESCED_TYPES ? coalesced.computeIfAbsent(key, k -> new LongAdder())
                    : coalesced.computeIfAbsent("other", k -> new LongAdder());
        }
        count.increment();
    }

    /** A circuit breaker changed state. */
    public void breakerChanged(Breakers.Transition transition) {
        protectionChanged = true;
        if (active) {
            publish(new MonitorEvent.BreakerTransition(clock.instant(), transition.breaker(), transition.from(),
                    transition.to()));
        }
    }

    /** The rollout changed (an operator's change or the SLA guard's rollback). */
    public void rolloutChanged(Rollout.Transition transition) {
        protectionChanged = true;
        if (active) {
            publish(new MonitorEvent.RolloutChange(clock.instant(), transition.kind(), transition.from().mode().wire(),
                    transition.to().mode().wire(), transition.to().candidate(), transition.to().percent(),
                    transition.reason()));
        }
    }

    /**
     * An operator command was carried out or refused: listed like a state change, never coalesced;
     * the next update carries {@code protection}, which it may have changed. Only carried-out ones
     * are kept for snapshots, so that refusals cannot push them out.
     */
    public void operatorAction(String by, String action, com.fasterxml.jackson.databind.node.ObjectNode args,
                               com.fasterxml.jackson.databind.node.ObjectNode result, boolean done) {
        protectionChanged = true;
        MonitorEvent.OperatorAction event = new MonitorEvent.OperatorAction(clock.instant(), by, action, args, result);
        if (done) {
            remember(recentActions, event, RECENT_ACTIONS);
        }
        if (active) {
            publish(event);
        }
    }

    @Override
    public void admitted(String userId, String connectionId, ClientMessage message, Classification classification) {
        if (active) {
            publishTraffic(message.type(), () -> new MonitorEvent.MessageIn(clock.instant(), "in", userId,
                    connectionId, message.type(), message.messageId(), message.threadId(),
                    classification.priority().wire(), classification.label()));
        }
    }

    @Override
    public void errorSent(String userId, String connectionId, String messageType, String messageId, ErrorCode code,
                          String text) {
        MonitorEvent.ErrorSent error = new MonitorEvent.ErrorSent(clock.instant(), userId, connectionId, messageType,
                code.wire(), text, messageId);
        remember(recentErrors, error, recentErrorsLimit);
        // a flood of bad frames must not flood the monitors too: errors have a budget of their own
        if (active && errorsListed.getAndIncrement() < trafficPerUpdate) {
            publish(error);
        } else if (active) {
            count("error:" + code.wire());
        }
    }

    /**
     * Traces an update lists: a trace is a kilobyte or two, so two an update (twenty a second) keep
     * a viewer's bandwidth within tens of kilobytes a second whatever the sample.
     */
    static final int TRACES_PER_UPDATE = 2;

    /**
     * A sampled message is done: its trace is listed within a budget of its own
     * ({@link #TRACES_PER_UPDATE}), the rest counted as {@code message_trace}.
     */
    public void traced(dev.switchboard.router.trace.MessageTrace trace) {
        if (!active) {
            return;
        }
        if (tracesListed.getAndIncrement() < TRACES_PER_UPDATE) {
            // as a remote monitor reads it (a step's detail holds the router's own values): the embedded
            // feed hands over the same record, equal to what the JSON reads back into
            TraceRecord record;
            try {
                record = Json.mapper().readValue(Json.write(trace.record()), TraceRecord.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a trace did not read back from its own JSON", e);
            }
            publish(new MonitorEvent.MessageTraced(clock.instant(), record));
        } else {
            count("message_trace");
        }
    }

    @Override
    public void replied(String userId, String connectionId, String type, String replyTo) {
        if (active) {
            publishTraffic(type, () -> new MonitorEvent.Reply(clock.instant(), "out", userId, connectionId, type,
                    replyTo));
        }
    }

    /** An event sent to a user (run events and quality alerts). */
    public void emitted(String userId, ServerEvent event) {
        if (!active) {
            return;
        }
        Map<String, Object> fields = event.fields();
        // AgentRun's events (the only ones with both): run_id, thread_id, seq, timestamp, data
        if (fields.containsKey("run_id") && fields.get("seq") instanceof Number seq) {
            if (followed(text(fields.get("run_id")))) {
                publish(new MonitorEvent.RunEvent(clock.instant(), "out", userId, event.type(),
                        text(fields.get("run_id")), text(fields.get("thread_id")), seq.intValue(),
                        text(fields.get("timestamp")), runData(fields.get("data"))));
            } else {
                count(event.type());
            }
        } else {
            publishTraffic(event.type(), () -> new MonitorEvent.UserEvent(clock.instant(), "out", userId,
                    event.type(), new LinkedHashMap<>(fields)));
        }
    }

    private static MonitorEvent.RunEventData runData(Object value) {
        Map<?, ?> data = value instanceof JsonNode node && node.isObject()
                ? Json.mapper().convertValue(node, Map.class) // an http backend's data, as it sent it
                : value instanceof Map<?, ?> map ? map : null;
        if (data == null) {
            return null;
        }
        Object duration = data.get("duration_ms");
        return new MonitorEvent.RunEventData(text(data.get("agent")), text(data.get("backend")),
                text(data.get("thought")), text(data.get("tool")), node(data, "input"), node(data, "output"),
                duration instanceof Number number ? number.longValue() : null, text(data.get("status")),
                text(data.get("result")), text(data.get("error")), text(data.get("retried_from")),
                text(data.get("reason")));
    }

    /** A field that may hold any JSON: null when absent, a JSON null when present and null. */
    private static JsonNode node(Map<?, ?> data, String field) {
        if (!data.containsKey(field)) {
            return null;
        }
        Object value = data.get(field);
        return value == null ? NullNode.getInstance() : Json.mapper().valueToTree(value);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    @Override
    public void opened(ConnectionInfo connection) {
        if (active) {
            publish(new MonitorEvent.ConnectionOpened(clock.instant(), summary(connection)));
        }
    }

    @Override
    public void closed(ConnectionInfo connection, boolean lastOfUser) {
        if (active) {
            ConnectionClose close = connection.close();
            publish(new MonitorEvent.ConnectionClosed(clock.instant(), summary(connection),
                    close == null ? null : close.code(), close == null ? "" : close.reason(),
                    close == null ? null : close.by()));
        }
    }

    @Override
    public void started(RunInfo run) {
        if (!active) {
            return;
        }
        if (followed(run.runId())) {
            publish(new MonitorEvent.RunStarted(clock.instant(), summary(run)));
        } else {
            count("run_started");
        }
    }

    @Override
    public void ended(RunInfo run) {
        RunSummary summary = summary(run);
        remember(recentRuns, summary, recentRunsLimit);
        // the decision stays for one more period: the run's last events may go out after its end is heard
        Boolean followed = runs.get(run.runId());
        endedRuns.add(run.runId());
        if (!active) {
            return;
        }
        if (followed == null || followed) {
            publish(new MonitorEvent.RunEnded(clock.instant(), summary));
        } else {
            count("run_ended");
        }
    }

    /**
     * Whether the run is listed in full (its start, every event, its end) or only counted: decided
     * when the monitor first hears of it, while this period has room for another run.
     */
    private boolean followed(String runId) {
        return runId == null || runs.computeIfAbsent(runId, id -> runsFollowed.getAndIncrement() < runsPerUpdate);
    }

    static ConnectionSummary summary(ConnectionInfo connection) {
        return new ConnectionSummary(connection.connectionId(), connection.userId(), connection.remoteAddress(),
                connection.threadId(), connection.connectedAt(), connection.lastActivity(), connection.messagesIn(),
                connection.messagesOut());
    }

    static RunSummary summary(RunInfo run) {
        return new RunSummary(run.runId(), run.userId(), run.connectionId(), run.threadId(), run.agent(),
                run.backend(), run.status(), run.startedAt(), run.durationMs(), run.events(), run.error(),
                run.queuedMs());
    }

    private static <T> void remember(ArrayDeque<T> ring, T entry, int limit) {
        synchronized (ring) {
            ring.addLast(entry);
            while (ring.size() > limit) {
                ring.removeFirst();
            }
        }
    }

    private static <T> List<T> copy(ArrayDeque<T> ring) {
        synchronized (ring) {
            return new ArrayList<>(ring);
        }
    }

    @Override
    public MonitorSnapshot snapshot() {
        Instant now = clock.instant();
        ClusterView cluster = sources.cluster();
        List<RunInfo> inFlight = sources.runsInFlight();
        // a run the snapshot lists is followed from now on: its end must reach whoever holds it
        inFlight.forEach(run -> runs.put(run.runId(), Boolean.TRUE));
        List<ConnectionInfo> open = sources.connections();
        List<ConnectionInfo> listed = open.size() <= snapshotConnections ? open
                : open.stream().sorted(MOST_ACTIVE).limit(snapshotConnections).toList();
        return new MonitorSnapshot(MonitorSnapshot.PROTOCOL, now, sources.stats(), sources.protection(),
                List.copyOf(sources.handlerTypes()), listed.stream().map(MonitorHub::summary).toList(), open.size(),
                inFlight.stream().map(MonitorHub::summary).toList(),
                copy(recentRuns), copy(recentErrors), null, null, cluster.nodeId(), cluster.clusterState(),
                cluster.members(), copy(recentActions));
    }

    /** The most frames in and out first; the same activity, the earliest opened first. */
    private static final Comparator<ConnectionInfo> MOST_ACTIVE = Comparator
            .comparingLong((ConnectionInfo c) -> c.messagesIn() + c.messagesOut()).reversed()
            .thenComparing(ConnectionInfo::connectedAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ConnectionInfo::connectionId);

    private static final Comparator<ConnectionInfo> BY_USER = Comparator.comparing(ConnectionInfo::userId)
            .thenComparing(ConnectionInfo::connectionId);

    @Override
    public ConnectionPage connections(int offset, int limit, String filter) {
        if (offset < 0 || limit < 0 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("offset must not be negative, limit from 0 to " + MAX_PAGE);
        }
        String wanted = filter == null ? "" : filter;
        List<ConnectionInfo> open = sources.connections();
        List<ConnectionInfo> matched = open.stream().filter(c -> wanted.isEmpty() || c.userId().contains(wanted))
                .sorted(BY_USER).toList();
        List<ConnectionSummary> page = matched.stream().skip(offset).limit(limit).map(MonitorHub::summary).toList();
        return new ConnectionPage(open.size(), matched.size(), offset, page);
    }

    private void tick() {
        if (subscribers.isEmpty()) {
            clearPeriod(); // whatever was published while the last one left is nobody's
            return;
        }
        try {
            Stats stats = sources.stats();
            long seq = updateSeq.incrementAndGet();
            // protection's counters move with every run: once a second is enough, and at once when a
            // breaker or the rollout changed
            boolean withProtection = protectionChanged || seq % PROTECTION_EVERY == 0;
            protectionChanged = false;
            ProtectionState protection = withProtection ? sources.protection() : null;
            Instant now = clock.instant();
            List<MonitorEvent> batch = takePeriod(now);
            MonitorUpdate update = new MonitorUpdate(seq, now, stats, protection, batch, dropped.getAndSet(0));
            // one subscriber's failure must not cost the others their update
            Listeners.notifyEach(subscribers.stream().map(sub -> sub.listener).toList(),
                    listener -> listener.update(update), "monitor update");
        } catch (RuntimeException e) {
            log.warn("monitor tick failed", e);
        }
    }

    /** This period's events, oldest first, then its coalesced traffic; starts the next period. */
    private List<MonitorEvent> takePeriod(Instant now) {
        // the counters first: an event published meanwhile counts toward the next period
        listed.set(0);
        trafficListed.set(0);
        errorsListed.set(0);
        tracesListed.set(0);
        runsFollowed.set(0);
        endedBefore.forEach(runs::remove);
        endedBefore = drain(endedRuns);
        List<MonitorEvent> batch = drain(pending);
        Map<String, Long> counted = new TreeMap<>();
        long total = 0;
        for (String type : List.copyOf(coalesced.keySet())) {
            LongAdder count = coalesced.remove(type);
            if (count != null && count.sum() > 0) {
                counted.merge(type, count.sum(), Long::sum);
                total += count.sum();
            }
        }
        if (total > 0) {
            batch.add(new MonitorEvent.Coalesced(now, total, counted));
        }
        return batch;
    }

    private static <T> List<T> drain(ConcurrentLinkedQueue<T> queue) {
        List<T> drained = new ArrayList<>();
        for (T item = queue.poll(); item != null; item = queue.poll()) {
            drained.add(item);
        }
        return drained;
    }

    private void clearPeriod() {
        listed.set(0);
        trafficListed.set(0);
        errorsListed.set(0);
        tracesListed.set(0);
        runsFollowed.set(0);
        runs.clear();
        endedRuns.clear();
        endedBefore = List.of();
        protectionChanged = true;
        pending.clear();
        coalesced.clear();
        dropped.set(0);
    }

    @Override
    public void close() {
        subscribers.clear();
        active = false;
        ticker.shutdownNow();
    }
}
