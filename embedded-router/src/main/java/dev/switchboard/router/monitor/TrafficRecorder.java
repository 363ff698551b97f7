package dev.switchboard.router.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.RunInfo;
import dev.switchboard.router.agents.RunListener;
import dev.switchboard.router.hooks.FrameTap;
import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.monitor.wire.RecordedEntry;
import dev.switchboard.router.monitor.wire.RecordingFrame;
import dev.switchboard.router.protection.Classification;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.ErrorCode;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.time.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's {@code record}: every text frame clients send, every error sent back and every run's
 * start and end, in the order the router saw them, to the monitor connections recording. Costs one
 * volatile read per frame while nothing records. While something does, the I/O threads only queue
 * what they saw (a bounded queue: beyond {@link #QUEUE} entries waiting, entries are dropped and
 * counted); one thread parses, masks and sends them, at most {@link #PER_FRAME} entries per frame
 * and ten frames a second.
 */
public final class TrafficRecorder implements FrameTap, TrafficListener, RunListener, AutoCloseable {
    /** Entries waiting to be sent, across every recording, before further ones are dropped. */
    static final int QUEUE = 50_000;
    /** Characters of frames waiting to be sent, across every recording, before further ones are dropped. */
    static final long QUEUE_CHARS = 16L * 1024 * 1024;
    /** Entries one {@code recording} frame holds at most. */
    static final int PER_FRAME = 2_000;
    /** About the most characters one {@code recording} frame holds: a bigger batch goes as several frames. */
    static final int FRAME_CHARS = 1024 * 1024;
    /** What an entry other than a frame's text counts for, in characters. */
    private static final int ENTRY_CHARS = 160;
    /** Recordings a router runs at once. */
    static final int MAX_RECORDINGS = 4;
    /** How often the entries go out. */
    static final Duration TICK = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(TrafficRecorder.class);

    /** Where a recording's frames go: a monitor connection. */
    interface Recipient {
        /**
         * Queues {@code frame} unless the connection is behind ({@code last}: the recording's final
         * frame, queued whatever the backlog).
         *
         * @return whether it was queued
         */
        boolean offer(String frame, boolean last);

        /** Whether the connection is still there (a recording of a closed one is forgotten). */
        default boolean isOpen() {
            return true;
        }
    }

    /** A recording's figures when it stops. */
    record Totals(long entries, long dropped) {
    }

    /**
     * A frame as it arrived: parsed (and masked) on the recorder's thread, not the I/O thread; a
     * frame over the router's frame limit keeps only its length ({@code text} null).
     */
    private record Arrived(Instant at, String userId, String connectionId, String text, int chars) {
    }

    private final Clock clock;
    private final Ticker ticker;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedChars = new AtomicLong();
    private final int maxFrameChars;
    /** Entries the full queue refused since the last tick. */
    private final AtomicLong overflowed = new AtomicLong();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private volatile boolean recording;
    private ScheduledExecutorService thread;

    /**
     * @param clock         when entries were seen
     * @param ticker        when recordings expire
     * @param maxFrameChars frames longer than this (the router's soft frame limit, refused as
     *                      {@code too_large}) are recorded by their length only
     */
    public TrafficRecorder(Clock clock, Ticker ticker, int maxFrameChars) {
        this(clock, ticker, maxFrameChars, true);
    }

    /** @param ticking whether its own thread calls {@link #tick()} (tests call it themselves) */
    TrafficRecorder(Clock clock, Ticker ticker, int maxFrameChars, boolean ticking) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
        this.maxFrameChars = maxFrameChars;
        this.ticking = ticking;
    }

    private final boolean ticking;

    /** One recording: its connection, what it keeps and how far it got. */
    private static final class Session {
        final Recipient recipient;
        final boolean keepContent;
        final long untilNanos;
        /** Entries seen before are not this recording's. */
        final Instant startedAt;
        long seq;
        long entries;
        /** Entries lost and not yet told (guarded by the recorder's thread). */
        long dropped;
        long droppedTotal;
        volatile String ending;

        Session(Recipient recipient, boolean keepContent, long untilNanos, Instant startedAt) {
            this.recipient = recipient;
            this.keepContent = keepContent;
            this.untilNanos = untilNanos;
            this.startedAt = startedAt;
        }
    }

    /**
     * Starts recording to {@code recipient} for {@code forTime}.
     *
     * @param keepContent whether text is sent as it was, not masked
     * @return until when
     * @throws IllegalStateException when the recipient records already, or {@link #MAX_RECORDINGS} run
     */
    synchronized Instant start(Recipient recipient, boolean keepContent, Duration forTime) {
        if (!recipient.isOpen()) {
            throw new IllegalStateException("the connection closed");
        }
        Session running = find(recipient);
        if (running != null && running.ending == null) {
            throw new IllegalStateException("this connection is recording already; send record stop first");
        }
        if (sessions.size() >= MAX_RECORDINGS) {
            throw new IllegalStateException("the router runs " + MAX_RECORDINGS + " recordings already, the most it"
                    + " runs at once");
        }
        if (thread == null && ticking) {
            thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread named = new Thread(runnable, "switchboard-recorder");
                named.setDaemon(true);
                return named;
            });
            thread.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
        Instant now = clock.instant();
        sessions.add(new Session(recipient, keepContent, ticker.nanoTime() + forTime.toNanos(), now));
        recording = true;
        return now.plus(forTime);
    }

    /**
     * Stops the recording of {@code recipient}: what is queued goes out, then {@code recording_ended}.
     *
     * @return whether it was recording
     */
    boolean stop(Recipient recipient) {
        for (Session session : sessions) {
            if (session.recipient == recipient && session.ending == null) {
                session.ending = "stopped";
                return true;
            }
        }
        return false;
    }

    /** Forgets the recordings of {@code recipient} at once (its connection closed). */
    synchronized void forget(Recipient recipient) {
        sessions.removeIf(session -> session.recipient == recipient);
        recording = !sessions.isEmpty();
    }

    /** The recording of {@code recipient} still running, else one ending, else null. */
    private Session find(Recipient recipient) {
        Session found = null;
        for (Session session : sessions) {
            if (session.recipient == recipient && (found == null || session.ending == null)) {
                found = session;
            }
        }
        return found;
    }

    @Override
    public void frame(String userId, String connectionId, String text) {
        if (recording) {
            // a frame the router refuses for its size is recorded by its length: a flood of them must
            // not fill the queue with their text
            int chars = text.length();
            add(new Arrived(clock.instant(), userId, connectionId, chars > maxFrameChars ? null : text, chars),
                    chars > maxFrameChars ? ENTRY_CHARS : chars + ENTRY_CHARS);
        }
    }

    @Override
    public void admitted(String userId, String connectionId, ClientMessage message, Classification classification) {
        // the frame itself was recorded on arrival
    }

    @Override
    public void errorSent(String userId, String connectionId, String messageType, String messageId, ErrorCode code,
                          String text) {
        if (recording) {
            add(new RecordedEntry(RecordedEntry.ERROR, clock.instant(), userId, connectionId, null, null, null,
                    messageType, code.wire(), messageId, null, null), ENTRY_CHARS);
        }
    }

    /** A run's error (its backend failed): sent to every connection of the user, answering no message. */
    public void runError(String userId, String runId, ErrorCode code) {
        if (recording) {
            add(new RecordedEntry(RecordedEntry.ERROR, clock.instant(), userId, null, null, null, null,
                    RUN_ERRORS, code.wire(), null, runId, null), ENTRY_CHARS);
        }
    }

    /** The {@code type} of a run's error entry. */
    static final String RUN_ERRORS = dev.switchboard.router.routing.RoutingStats.RUN_ERRORS;

    @Override
    public void started(RunInfo run) {
        if (recording) {
            add(new RecordedEntry(RecordedEntry.RUN_STARTED, clock.instant(), run.userId(), run.connectionId(), null,
                    null, null, null, null, null, run.runId(), null), ENTRY_CHARS);
        }
    }

    @Override
    public void ended(RunInfo run) {
        if (recording) {
            add(new RecordedEntry(RecordedEntry.RUN_ENDED, clock.instant(), run.userId(), null, null, null, null, null,
                    null, null, run.runId(), run.status().wire()), ENTRY_CHARS);
        }
    }

    private void add(Object entry, int chars) {
        if (queued.incrementAndGet() > QUEUE || queuedChars.addAndGet(chars) > QUEUE_CHARS) {
            queued.decrementAndGet();
            queuedChars.addAndGet(-chars);
            overflowed.incrementAndGet();
            return;
        }
        queue.add(entry);
    }

    /** What an entry counts for in the queue's character budget. */
    private static int charsOf(Object entry) {
        return entry instanceof Arrived arrived && arrived.text() != null ? arrived.chars() + ENTRY_CHARS : ENTRY_CHARS;
    }

    /**
     * Sends what was seen: a frame (or a few, when the entries are big) per recording; for a
     * recording ending, everything queued, then its end. Whatever goes wrong, the next tick runs.
     */
    void tick() {
        try {
            long lost = overflowed.getAndSet(0);
            boolean idle;
            synchronized (this) {
                // under the lock: a start between the check and the flag would otherwise record nothing
                sessions.removeIf(session -> !session.recipient.isOpen());
                idle = sessions.isEmpty();
                if (idle) {
                    recording = false;
                }
            }
            if (idle) {
                drop();
                return;
            }
            List<Session> ending = new ArrayList<>();
            for (Session session : sessions) {
                session.dropped += lost;
                if (session.ending == null && ticker.nanoTime() - session.untilNanos >= 0) {
                    session.ending = "expired";
                }
                if (session.ending != null) {
                    ending.add(session); // decided once per tick: a stop arriving now ends at the next
                }
            }
            do {
                List<Object> batch = take();
                send(batch);
                if (batch.size() < PER_FRAME) {
                    break;
                }
            } while (!ending.isEmpty());
            ending.forEach(this::end);
        } catch (RuntimeException | OutOfMemoryError e) {
            // an entry that could not be handled is lost, the recordings go on
            log.warn("the recorder failed to send a frame", e);
        }
    }

    private List<Object> take() {
        List<Object> batch = new ArrayList<>(Math.min(PER_FRAME, Math.max(16, queued.get())));
        Object next;
        while (batch.size() < PER_FRAME && (next = queue.poll()) != null) {
            queued.decrementAndGet();
            queuedChars.addAndGet(-charsOf(next));
            batch.add(next);
        }
        return batch;
    }

    private void drop() {
        Object next;
        while ((next = queue.poll()) != null) {
            queued.decrementAndGet();
            queuedChars.addAndGet(-charsOf(next));
        }
    }

    private void send(List<Object> batch) {
        List<RecordedEntry> masked = null;
        List<RecordedEntry> kept = null;
        for (Session session : sessions) {
            List<RecordedEntry> entries;
            if (session.keepContent) {
                kept = kept != null ? kept : entries(batch, true);
                entries = kept;
            } else {
                masked = masked != null ? masked : entries(batch, false);
                entries = masked;
            }
            if (!entries.isEmpty() && entries.get(0).at().isBefore(session.startedAt)) {
                // queued before this recording started (another one was running): not its own
                entries = entries.stream().filter(entry -> !entry.at().isBefore(session.startedAt)).toList();
            }
            if (entries.isEmpty() && session.dropped == 0) {
                continue;
            }
            int from = 0;
            do {
                int to = frameEnd(entries, from);
                List<RecordedEntry> part = entries.subList(from, to);
                String frame = Json.write(new RecordingFrame(RecordingFrame.RECORDING, session.seq + 1, part,
                        session.dropped, null));
                if (session.recipient.offer(frame, false)) {
                    session.seq++;
                    session.entries += part.size();
                    session.droppedTotal += session.dropped;
                    session.dropped = 0;
                } else {
                    session.dropped += part.size();
                }
                from = to;
            } while (from < entries.size());
        }
    }

    /** Where the frame that begins at {@code from} ends: after about {@link #FRAME_CHARS} characters. */
    private static int frameEnd(List<RecordedEntry> entries, int from) {
        long chars = 0;
        int to = from;
        while (to < entries.size() && (to == from || chars < FRAME_CHARS)) {
            RecordedEntry entry = entries.get(to++);
            chars += ENTRY_CHARS + (entry.message() != null ? entry.message().toString().length() : 0);
        }
        return to;
    }

    private synchronized void end(Session session) {
        session.droppedTotal += session.dropped;
        session.recipient.offer(Json.write(new RecordingFrame(RecordingFrame.ENDED, session.seq + 1, List.of(),
                session.dropped, session.ending)), true);
        log.info("a recording ended ({}): {} entries sent, {} dropped", session.ending, session.entries,
                session.droppedTotal);
        sessions.remove(session);
        recording = !sessions.isEmpty();
    }

    private static List<RecordedEntry> entries(List<Object> batch, boolean keepContent) {
        List<RecordedEntry> entries = new ArrayList<>(batch.size());
        for (Object seen : batch) {
            entries.add(seen instanceof Arrived arrived ? entry(arrived, keepContent) : (RecordedEntry) seen);
        }
        return entries;
    }

    private static RecordedEntry entry(Arrived arrived, boolean keepContent) {
        JsonNode parsed = arrived.text() == null ? null : parse(arrived.text());
        if (parsed == null || !isMessage(parsed)) {
            JsonNode value = parsed == null ? null : keepContent ? parsed : ContentMask.maskValue(parsed);
            return new RecordedEntry(RecordedEntry.UNPARSED, arrived.at(), arrived.userId(), arrived.connectionId(),
                    null, arrived.chars(), value, null, null, null, null, null);
        }
        return new RecordedEntry(RecordedEntry.MESSAGE, arrived.at(), arrived.userId(), arrived.connectionId(),
                keepContent ? parsed : ContentMask.mask((ObjectNode) parsed), null, null, null, null, null, null, null);
    }

    /** Whether a frame's JSON is a message: an object with a text {@code type} (or a JSON-RPC {@code method}). */
    private static boolean isMessage(JsonNode node) {
        return node.isObject() && (node.path("type").isTextual() || node.path("method").isTextual());
    }

    /** The frame's JSON, or null when it is no JSON. */
    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Stops the recorder's thread (the recordings end with their connections). */
    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
        sessions.clear();
        recording = false;
    }
}
