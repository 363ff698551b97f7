package dev.switchboard.router.trace;

import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.time.ClockTimeMeter;
import io.github.bucket4j.Bucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides which messages are traced and keeps the last traces in a bounded ring: a share of every
 * message ({@code trace.sample}), at most {@code trace.per_second} of them a second, plus every
 * message of a user an operator asked to trace for a while. Answers the monitor's {@code trace}
 * command. Thread-safe.
 */
public final class Tracer {
    /** Traces nothing and keeps nothing. */
    public static final Tracer OFF = new Tracer(0, 1, Clock.systemUTC());
    /** The longest an operator may trace one user for. */
    public static final Duration MAX_USER_TRACE = Duration.ofHours(1);
    /** Users traced at once, at most (a command per user; this bounds the map). */
    public static final int MAX_TRACED_USERS = 100;

    private final double sample;
    /** The sampled messages that may be traced now ({@code trace.per_second}); null when unbounded. */
    private final Bucket budget;
    private final LongAdder overBudget = new LongAdder();
    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<MessageTrace> ring;
    private final Map<String, Instant> tracedUsers = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<MessageTrace> doneListener;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Tracer.class);

    /** A tracer with no bound on the sampled messages traced a second (what the share picks is traced). */
    public Tracer(double sample, int capacity, Clock clock) {
        this(sample, 0, capacity, clock);
    }

    /**
     * @param sample    the share of messages traced, 0 to 1
     * @param perSecond of the messages the share picks, the most traced a second (0: no bound); an
     *                  operator's {@link #traceUser} is not bounded by it. Keeping a trace costs about
     *                  3 KB that lives as long as the ring holds it: at 10,000 messages a second,
     *                  tracing all of them (dev auth's share) filled the old generation of a console
     *                  with its router embedded every few seconds
     * @param capacity  traces kept, the oldest dropped first
     * @param clock     the clock of the traces' times, of the users' trace expiry and of the budget
     */
    public Tracer(double sample, int perSecond, int capacity, Clock clock) {
        if (!(sample >= 0 && sample <= 1)) {
            throw new IllegalArgumentException("sample must be between 0 and 1");
        }
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond must not be negative");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.sample = sample;
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.budget = perSecond == 0 ? null : Bucket.builder()
                .withCustomTimePrecision(new ClockTimeMeter(clock))
                .addLimit(limit -> limit.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
        this.ring = new ArrayDeque<>(Math.min(capacity, 1_024));
    }

    /**
     * Sets who hears of each trace once its message is done (the monitor's {@code message_trace}
     * events; {@link MessageTrace#record()} is the trace as it is then); called on the thread that
     * finished the message, so it must be cheap.
     */
    public void onDone(java.util.function.Consumer<MessageTrace> listener) {
        this.doneListener = listener;
    }

    private void finished(MessageTrace trace) {
        java.util.function.Consumer<MessageTrace> listener = doneListener;
        if (listener == null) {
            return;
        }
        try {
            listener.accept(trace);
        } catch (RuntimeException e) {
            log.warn("a listener of finished traces failed; the message went on", e);
        }
    }

    public double sample() {
        return sample;
    }

    public int capacity() {
        return capacity;
    }

    /** A trace for a frame that just arrived, or null when this one is not traced. */
    public MessageTrace start(String userId, String connectionId, int frameBytes, long arrivedNanos) {
        if (!sampled(userId)) {
            return null;
        }
        MessageTrace trace = new MessageTrace(clock.instant(), arrivedNanos, userId, connectionId, frameBytes,
                this::finished);
        // kept from its first moment: a trace asked for while its message is under way shows the steps so far
        synchronized (ring) {
            if (ring.size() == capacity) {
                ring.pollFirst();
            }
            ring.addLast(trace);
        }
        return trace;
    }

    private boolean sampled(String userId) {
        if (!tracedUsers.isEmpty()) {
            Instant until = tracedUsers.get(userId);
            if (until != null) {
                if (clock.instant().isBefore(until)) {
                    return true;
                }
                tracedUsers.remove(userId, until);
            }
        }
        if (!(sample >= 1 || (sample > 0 && ThreadLocalRandom.current().nextDouble() < sample))) {
            return false;
        }
        if (budget != null && !budget.tryConsume(1)) {
            overBudget.increment();
            return false;
        }
        return true;
    }

    /** Of the messages the share picked, how many were not traced because {@code per_second} were already. */
    public long overBudget() {
        return overBudget.sum();
    }

    /**
     * Traces every message of {@code userId} for {@code forTime} (at most {@link #MAX_USER_TRACE}),
     * whatever the sample; a zero time stops it.
     *
     * @return until when, or null when stopped
     * @throws IllegalStateException when {@link #MAX_TRACED_USERS} users are traced already
     */
    public synchronized Instant traceUser(String userId, Duration forTime) {
        if (forTime.isZero()) {
            tracedUsers.remove(userId);
            return null;
        }
        Instant now = clock.instant();
        tracedUsers.values().removeIf(until -> !now.isBefore(until));
        if (!tracedUsers.containsKey(userId) && tracedUsers.size() >= MAX_TRACED_USERS) {
            throw new IllegalStateException("already tracing " + MAX_TRACED_USERS + " users");
        }
        Instant until = now.plus(forTime.compareTo(MAX_USER_TRACE) > 0 ? MAX_USER_TRACE : forTime);
        tracedUsers.put(userId, until);
        return until;
    }

    /** The users traced now, with until when. */
    public Map<String, Instant> tracedUsers() {
        Instant now = clock.instant();
        Map<String, Instant> traced = new TreeMap<>();
        tracedUsers.forEach((user, until) -> {
            if (now.isBefore(until)) {
                traced.put(user, until);
            }
        });
        return traced;
    }

    /**
     * The kept traces of {@code userId}'s message {@code messageId}, or of the run {@code runId}
     * (another user's run finds nothing), newest first.
     */
    public List<TraceRecord> find(String userId, String messageId, String runId) {
        List<MessageTrace> found = new ArrayList<>();
        synchronized (ring) {
            Iterator<MessageTrace> newestFirst = ring.descendingIterator();
            while (newestFirst.hasNext() && found.size() < 20) {
                MessageTrace trace = newestFirst.next();
                if (trace.userId().equals(userId) && (messageId != null ? messageId.equals(trace.messageId())
                        : runId != null && runId.equals(trace.runId()))) {
                    found.add(trace);
                }
            }
        }
        return found.stream().map(MessageTrace::record).toList();
    }

    /** Traces kept now. */
    public int size() {
        synchronized (ring) {
            return ring.size();
        }
    }
}
