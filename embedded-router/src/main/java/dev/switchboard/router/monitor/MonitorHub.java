package dev.switchboard.router.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionListener;
import dev.switchboard.router.event.Listeners;
import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.monitor.wire.ConnectionSummary;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.ClusterView;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.monitor.wire.ProtectionState;
import dev.switchboard.router.monitor.wire.RunSummary;
import dev.switchboard.router.monitor.wire.Stats;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's embedded {@link RouterFeed}: hears every connection, admitted message, error, run
 * event, breaker and rollout transition; keeps bounded recent runs and errors for snapshots; and
 * delivers coalesced updates on one ticker thread at a fixed rate. Each subscriber has its own
 * bounded event buffer; when it overflows the oldest events go and the next update says how many.
 * Publishing costs one volatile read while nobody watches.
 */
public final class MonitorHub implements RouterFeed, TrafficListener, ConnectionListener, RunListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MonitorHub.class);

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
        final ArrayBlockingQueue<MonitorEvent> events;
        final AtomicLong dropped = new AtomicLong();

        Sub(Listener listener, int capacity) {
            this.listener = listener;
            this.events = new ArrayBlockingQueue<>(capacity);
        }

        void offer(MonitorEvent event) {
            while (!events.offer(event)) {
                if (events.poll() != null) {
                    dropped.incrementAndGet();
                }
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
            active = !subscribers.isEmpty();
        }
    }

    private final Clock clock;
    private final Sources sources;
    private final int bufferPerSubscriber;
    private final int recentRunsLimit;
    private final int recentErrorsLimit;
    private final CopyOnWriteArrayList<Sub> subscribers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<RunSummary> recentRuns = new ArrayDeque<>();
    private final ArrayDeque<MonitorEvent.ErrorSent> recentErrors = new ArrayDeque<>();
    private final ScheduledExecutorService ticker;
    private final AtomicLong updateSeq = new AtomicLong();
    private volatile boolean active;

    /**
     * @param clock               time source
     * @param sources             the router's state
     * @param tick                the update period (at least 100 ms: at most 10 updates a second)
     * @param bufferPerSubscriber events kept per subscriber between two ticks
     * @param recentRuns          ended runs kept for snapshots
     * @param recentErrors        errors kept for snapshots
     */
    public MonitorHub(Clock clock, Sources sources, Duration tick, int bufferPerSubscriber, int recentRuns,
                      int recentErrors) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.sources = Objects.requireNonNull(sources, "sources must not be null");
        if (tick.toMillis() < 100) {
            throw new IllegalArgumentException("tick must be at least 100 ms (at most 10 updates a second)");
        }
        this.bufferPerSubscriber = bufferPerSubscriber;
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

    @Override
    public Subscription subscribe(Listener listener) {
        Sub sub = new Sub(Objects.requireNonNull(listener, "listener must not be null"), bufferPerSubscriber);
        subscribers.add(sub);
        active = true;
        return sub;
    }

    private void publish(MonitorEvent event) {
        for (Sub sub : subscribers) {
            sub.offer(event);
        }
    }

    /** A circuit breaker changed state. */
    public void breakerChanged(Breakers.Transition transition) {
        if (active) {
            publish(new MonitorEvent.BreakerTransition(clock.instant(), transition.breaker(), transition.from(),
                    transition.to()));
        }
    }

    /** The rollout changed (an operator's change or the SLA guard's rollback). */
    public void rolloutChanged(Rollout.Transition transition) {
        if (active) {
            publish(new MonitorEvent.RolloutChange(clock.instant(), transition.kind(), transition.from().mode().wire(),
                    transition.to().mode().wire(), transition.to().candidate(), transition.to().percent(),
                    transition.reason()));
        }
    }

    @Override
    public void admitted(String userId, String connectionId, ClientMessage message, Classification classification) {
        if (active) {
            publish(new MonitorEvent.MessageIn(clock.instant(), "in", userId, connectionId, message.type(),
                    message.messageId(), message.threadId(), classification.priority().wire(),
                    classification.label()));
        }
    }

    @Override
    public void errorSent(String userId, String connectionId, String messageType, ErrorCode code, String text) {
        MonitorEvent.ErrorSent error = new MonitorEvent.ErrorSent(clock.instant(), userId, connectionId, messageType,
                code.wire(), text);
        remember(recentErrors, error, recentErrorsLimit);
        if (active) {
            publish(error);
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
            publish(new MonitorEvent.RunEvent(clock.instant(), "out", userId, event.type(), text(fields.get("run_id")),
                    text(fields.get("thread_id")), seq.intValue(), text(fields.get("timestamp")),
                    runData(fields.get("data"))));
        } else {
            publish(new MonitorEvent.UserEvent(clock.instant(), "out", userId, event.type(),
                    new LinkedHashMap<>(fields)));
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
            publish(new MonitorEvent.ConnectionClosed(clock.instant(), summary(connection)));
        }
    }

    @Override
    public void started(RunInfo run) {
        if (active) {
            publish(new MonitorEvent.RunStarted(clock.instant(), summary(run)));
        }
    }

    @Override
    public void ended(RunInfo run) {
        RunSummary summary = summary(run);
        remember(recentRuns, summary, recentRunsLimit);
        if (active) {
            publish(new MonitorEvent.RunEnded(clock.instant(), summary));
        }
    }

    static ConnectionSummary summary(ConnectionInfo connection) {
        return new ConnectionSummary(connection.connectionId(), connection.userId(), connection.remoteAddress(),
                connection.threadId(), connection.connectedAt(), connection.lastActivity(), connection.messagesIn(),
                connection.messagesOut());
    }

    static RunSummary summary(RunInfo run) {
        return new RunSummary(run.runId(), run.userId(), run.connectionId(), run.threadId(), run.agent(),
                run.backend(), run.status(), run.startedAt(), run.durationMs(), run.events(), run.error());
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
        return new MonitorSnapshot(MonitorSnapshot.PROTOCOL, now, sources.stats(), sources.protection(),
                List.copyOf(sources.handlerTypes()),
                sources.connections().stream().map(MonitorHub::summary).toList(),
                sources.runsInFlight().stream().map(MonitorHub::summary).toList(),
                copy(recentRuns), copy(recentErrors), null, null, cluster.nodeId(), cluster.clusterState(),
                cluster.members());
    }

    private void tick() {
        if (subscribers.isEmpty()) {
            return;
        }
        try {
            Stats stats = sources.stats();
            ProtectionState protection = sources.protection();
            Instant now = clock.instant();
            long seq = updateSeq.incrementAndGet();
            for (Sub sub : subscribers) {
                List<MonitorEvent> batch = new ArrayList<>(sub.events.size());
                sub.events.drainTo(batch);
                MonitorUpdate update = new MonitorUpdate(seq, now, stats, protection, batch, sub.dropped.getAndSet(0));
                // one subscriber's failure must not cost the others their update
                Listeners.notifyEach(List.of(sub.listener), listener -> listener.update(update), "monitor update");
            }
        } catch (RuntimeException e) {
            log.warn("monitor tick failed", e);
        }
    }

    @Override
    public void close() {
        subscribers.clear();
        active = false;
        ticker.shutdownNow();
    }
}
