package dev.switchboard.router.routing;

import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.MessageType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Routing statistics, lock-free on the hot path. Per-type figures are kept only for types that some
 * handler serves, so a client inventing types cannot grow this without bound: every unserved type
 * is counted once, as unhandled.
 */
public final class RoutingStats {
    private final LongAdder received = new LongAdder();
    private final LongAdder routed = new LongAdder();
    private final LongAdder unhandled = new LongAdder();
    private final LongAdder handlerErrors = new LongAdder();
    private final LongAdder qualityMessages = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final Map<ErrorCode, LongAdder> errorsSent = new EnumMap<>(ErrorCode.class);
    private final Map<String, TypeStats> byType = new ConcurrentHashMap<>();
    /** Keyed by a served type, {@link #UNKNOWN_TYPES} or {@link #REFUSED_FRAMES}: never by what a client made up. */
    private final Map<String, LongAdder> errorsSentByType = new ConcurrentHashMap<>();
    private volatile Predicate<String> served = type -> false;
    private final CopyOnWriteArrayList<Consumer<TypeStats>> typeListeners = new CopyOnWriteArrayList<>();

    /** The row of errors sent for messages of a type no handler serves (whatever the type). */
    public static final String UNKNOWN_TYPES = "(unknown type)";
    /** The row of errors sent for frames refused before they had a type (bad JSON, too large, binary…). */
    public static final String REFUSED_FRAMES = "(refused frame)";
    /** The row of a run's errors (its backend failed): not a message type. */
    public static final String RUN_ERRORS = "agent_run";
    /** The type a frame refused before routing stands under. */
    public static final String UNPARSED_TYPE = "invalid";

    public RoutingStats() {
        for (ErrorCode code : ErrorCode.values()) {
            errorsSent.put(code, new LongAdder());
        }
    }

    /** Counters of one served message type. */
    public static final class TypeStats {
        private final String type;
        private final LongAdder count = new LongAdder();
        private final LongAdder errors = new LongAdder();

        TypeStats(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }

        /** Messages of this type dispatched to a handler. */
        public long count() {
            return count.sum();
        }

        /** Messages of this type whose handler failed unexpectedly. */
        public long errors() {
            return errors.sum();
        }
    }

    /** Calls {@code listener} for every per-type entry, now and whenever a new type first appears. */
    public void onType(Consumer<TypeStats> listener) {
        typeListeners.add(listener);
        byType.values().forEach(listener);
    }

    void countReceived() {
        received.increment();
    }

    TypeStats dispatched(String type) {
        TypeStats stats = byType.get(type);
        if (stats == null) {
            stats = byType.computeIfAbsent(type, this::newType);
        }
        stats.count.increment();
        routed.increment();
        if (MessageType.QUALITY.contains(type)) {
            qualityMessages.increment();
        }
        return stats;
    }

    private TypeStats newType(String type) {
        TypeStats stats = new TypeStats(type);
        typeListeners.forEach(listener -> listener.accept(stats));
        return stats;
    }

    void handlerFailed(TypeStats stats) {
        stats.errors.increment();
        handlerErrors.increment();
    }

    void unhandled() {
        unhandled.increment();
    }

    /**
     * Which types count under their own name in {@link Snapshot#errorsSentByType()}: the served
     * ones (and the router's own, such as a run's errors); every other goes under
     * {@link #UNKNOWN_TYPES}, so a client cannot grow the map by making types up.
     */
    public void servedTypes(Predicate<String> types) {
        this.served = Objects.requireNonNull(types, "types must not be null");
    }

    /**
     * Counts an error event sent to a client, by its code and by the type of the message it
     * answered ({@link #UNPARSED_TYPE} for a frame refused before it had one).
     */
    public void errorSent(String type, ErrorCode code) {
        errorsSent.get(code).increment();
        // unknown_type first: a message a client named "invalid" is an unknown type, not a refused frame
        String row = code == ErrorCode.UNKNOWN_TYPE ? UNKNOWN_TYPES : UNPARSED_TYPE.equals(type) ? REFUSED_FRAMES
                : type != null && served.test(type) ? type : UNKNOWN_TYPES;
        LongAdder count = errorsSentByType.get(row);
        if (count == null) {
            count = errorsSentByType.computeIfAbsent(row, key -> new LongAdder());
        }
        count.increment();
    }

    /** Counts a connection opened. */
    public void connectionOpened() {
        connectionsOpened.increment();
    }

    /** Counts a connection closed. */
    public void connectionClosed() {
        connectionsClosed.increment();
    }

    public long received() {
        return received.sum();
    }

    public long routed() {
        return routed.sum();
    }

    public long unhandledCount() {
        return unhandled.sum();
    }

    public long handlerErrors() {
        return handlerErrors.sum();
    }

    public long qualityMessages() {
        return qualityMessages.sum();
    }

    public long connectionsOpened() {
        return connectionsOpened.sum();
    }

    public long connectionsClosed() {
        return connectionsClosed.sum();
    }

    /** Error events sent with {@code code}. */
    public long errorsSent(ErrorCode code) {
        return errorsSent.get(code).sum();
    }

    /** A consistent-enough copy of every figure (each counter is read once). */
    public Snapshot snapshot() {
        Map<String, Long> types = new TreeMap<>();
        Map<String, Long> typeErrors = new TreeMap<>();
        byType.forEach((type, stats) -> {
            types.put(type, stats.count());
            typeErrors.put(type, stats.errors());
        });
        Map<String, Long> errors = new TreeMap<>();
        errorsSent.forEach((code, count) -> errors.put(code.wire(), count.sum()));
        Map<String, Long> errorsByMessageType = new TreeMap<>();
        errorsSentByType.forEach((type, count) -> errorsByMessageType.put(type, count.sum()));
        return new Snapshot(received.sum(), routed.sum(), unhandled.sum(), handlerErrors.sum(), qualityMessages.sum(),
                connectionsOpened.sum(), connectionsClosed.sum(), types, typeErrors, errors, errorsByMessageType);
    }

    /**
     * The routing statistics at one moment.
     *
     * @param received          messages that reached the router (batch elements included)
     * @param routed            messages dispatched to a handler
     * @param unhandled         messages of a type no handler serves
     * @param handlerErrors     handler invocations that failed unexpectedly
     * @param qualityMessages   quality-type messages dispatched
     * @param connectionsOpened connections opened since start
     * @param connectionsClosed connections closed since start
     * @param byType            dispatched messages per type
     * @param errorsByType      handler errors per type
     * @param errorsSent        error events sent to clients per error code
     * @param errorsSentByType  error events sent to clients per type of the message answered: a served
     *                          type, {@link #UNKNOWN_TYPES} or {@link #REFUSED_FRAMES}
     */
    public record Snapshot(long received, long routed, long unhandled, long handlerErrors, long qualityMessages,
                           long connectionsOpened, long connectionsClosed, Map<String, Long> byType,
                           Map<String, Long> errorsByType, Map<String, Long> errorsSent,
                           Map<String, Long> errorsSentByType) {
    }
}
