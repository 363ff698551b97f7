package dev.switchboard.router.monitor;

import dev.switchboard.router.event.Listeners;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionListener;
import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.hooks.TrafficListener;
import java.time.Clock;
import java.time.Duration;
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
import java.util.function.Supplier;
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
        Map<String, Object> stats();

        /** Protection and rollout state: breakers, rollout, limits, queue policy. */
        Map<String, Object> protection();

        /** Open connections. */
        List<ConnectionInfo> connections();

        /** Runs in flight. */
        List<RunInfo> runsInFlight();

        /** Types some handler serves. */
        List<String> handlerTypes();
    }

    private final class Sub implements Subscription {
        final Listener listener;
        final ArrayBlockingQueue<Map<String, Object>> events;
        final AtomicLong dropped = new AtomicLong();

        Sub(Listener listener, int capacity) {
            this.listener = listener;
            this.events = new ArrayBlockingQueue<>(capacity);
        }

        void offer(Map<String, Object> event) {
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

    private final ObjectMapper mapper;
    private final Clock clock;
    private final Sources sources;
    private final int bufferPerSubscriber;
    private final int recentRunsLimit;
    private final int recentErrorsLimit;
    private final CopyOnWriteArrayList<Sub> subscribers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Map<String, Object>> recentRuns = new ArrayDeque<>();
    private final ArrayDeque<Map<String, Object>> recentErrors = new ArrayDeque<>();
    private final ScheduledExecutorService ticker;
    private final AtomicLong updateSeq = new AtomicLong();
    private volatile boolean active;

    /**
     * @param mapper              builds the JSON documents
     * @param clock               time source
     * @param sources             the router's state
     * @param tick                the update period (at least 100 ms: at most 10 updates a second)
     * @param bufferPerSubscriber events kept per subscriber between two ticks
     * @param recentRuns          ended runs kept for snapshots
     * @param recentErrors        errors kept for snapshots
     */
    public MonitorHub(ObjectMapper mapper, Clock clock, Sources sources, Duration tick, int bufferPerSubscriber,
                      int recentRuns, int recentErrors) {
        this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
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

    private void publish(String kind, Map<String, Object> fields) {
        if (!active) {
            return;
        }
        Map<String, Object> event = new LinkedHashMap<>(fields.size() + 2);
        event.put("kind", kind);
        event.put("at", clock.instant().toString());
        event.putAll(fields);
        for (Sub sub : subscribers) {
            sub.offer(event);
        }
    }

    /** Publishes an arbitrary event (breaker and rollout transitions). */
    public void event(String kind, Map<String, Object> fields) {
        publish(kind, fields);
    }

    @Override
    public void admitted(String userId, String connectionId, ClientMessage message, Classification classification) {
        if (!active) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("direction", "in");
        fields.put("user_id", userId);
        fields.put("connection_id", connectionId);
        fields.put("type", message.type());
        fields.put("message_id", message.messageId());
        fields.put("thread_id", message.threadId());
        fields.put("priority", classification.priority().wire());
        fields.put("label", classification.label());
        publish("message", fields);
    }

    @Override
    public void errorSent(String userId, String connectionId, String messageType, ErrorCode code, String text) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("kind", "error");
        error.put("at", clock.instant().toString());
        error.put("user_id", userId);
        error.put("connection_id", connectionId);
        error.put("type", messageType);
        error.put("code", code.wire());
        error.put("message", text);
        remember(recentErrors, error, recentErrorsLimit);
        if (active) {
            for (Sub sub : subscribers) {
                sub.offer(error);
            }
        }
    }

    /** An event sent to a user (run events and quality alerts). */
    public void emitted(String userId, ServerEvent event) {
        if (!active) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("direction", "out");
        fields.put("user_id", userId);
        fields.put("type", event.type());
        fields.putAll(event.fields());
        publish(kindOf(event), fields);
    }

    private static String kindOf(ServerEvent event) {
        return event.fields().containsKey("run_id") && event.fields().containsKey("seq") ? "run_event" : "event";
    }

    @Override
    public void opened(ConnectionInfo connection) {
        publish("connection_opened", Map.of("connection", connection));
    }

    @Override
    public void closed(ConnectionInfo connection, boolean lastOfUser) {
        publish("connection_closed", Map.of("connection", connection));
    }

    @Override
    public void started(RunInfo run) {
        publish("run_started", Map.of("run", run));
    }

    @Override
    public void ended(RunInfo run) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("run", run);
        remember(recentRuns, entry, recentRunsLimit);
        publish("run_ended", entry);
    }

    private static void remember(ArrayDeque<Map<String, Object>> ring, Map<String, Object> entry, int limit) {
        synchronized (ring) {
            ring.addLast(entry);
            while (ring.size() > limit) {
                ring.removeFirst();
            }
        }
    }

    private static List<Map<String, Object>> copy(ArrayDeque<Map<String, Object>> ring) {
        synchronized (ring) {
            return new ArrayList<>(ring);
        }
    }

    @Override
    public ObjectNode snapshot() {
        ObjectNode snapshot = mapper.createObjectNode();
        snapshot.put("type", "monitor_snapshot");
        snapshot.put("protocol", 1);
        snapshot.put("server_time", clock.instant().toString());
        snapshot.set("stats", mapper.valueToTree(sources.stats()));
        snapshot.set("protection", mapper.valueToTree(sources.protection()));
        snapshot.set("handlers", mapper.valueToTree(sources.handlerTypes()));
        snapshot.set("connections", mapper.valueToTree(sources.connections()));
        snapshot.set("runs_in_flight", mapper.valueToTree(sources.runsInFlight()));
        List<Object> ended = new ArrayList<>();
        copy(recentRuns).forEach(entry -> ended.add(entry.get("run")));
        snapshot.set("recent_runs", mapper.valueToTree(ended));
        snapshot.set("recent_errors", mapper.valueToTree(copy(recentErrors)));
        return snapshot;
    }

    private void tick() {
        if (subscribers.isEmpty()) {
            return;
        }
        try {
            ObjectNode stats = mapper.valueToTree(sources.stats());
            ObjectNode protection = mapper.valueToTree(sources.protection());
            String now = clock.instant().toString();
            long seq = updateSeq.incrementAndGet();
            for (Sub sub : subscribers) {
                List<Map<String, Object>> batch = new ArrayList<>(sub.events.size());
                sub.events.drainTo(batch);
                ObjectNode update = mapper.createObjectNode();
                update.put("type", "monitor_update");
                update.put("seq", seq);
                update.put("server_time", now);
                update.set("stats", stats);
                update.set("protection", protection);
                ArrayNode events = mapper.valueToTree(batch);
                update.set("events", events);
                update.put("dropped", sub.dropped.getAndSet(0));
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
