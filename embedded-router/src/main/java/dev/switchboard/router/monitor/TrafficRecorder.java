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
    /** Entries one {@code recording} frame holds at most. */
    static final int PER_FRAME = 2_000;
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
    }

    /** A recording's figures when it stops. */
    record Totals(long entries, long dropped) {
    }

    /** A frame as it arrived: parsed (and masked) on the recorder's thread, not the I/O thread. */
    private record Arrived(Instant at, String userId, String connectionId, String text) {
    }

    private final Clock clock;
    private final Ticker ticker;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Entries the full queue refused since the last tick. */
    private final AtomicLong overflowed = new AtomicLong();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private volatile boolean recording;
    private ScheduledExecutorService thread;

    /**
     * @param clock  when entries were seen
     * @param ticker when recordings expire
     */
    public TrafficRecorder(Clock clock, Ticker ticker) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
    }

    /** One recording: its connection, what it keeps and how far it got. */
    private static final class Session {
        final Recipient recipient;
        final boolean keepContent;
        final long untilNanos;
        long seq;
        long entries;
        /** Entries lost and not yet told (guarded by the recorder's thread). */
        long dropped;
        long droppedTotal;
        volatile String ending;

        Session(Recipient recipient, boolean keepContent, long untilNanos) {
            this.recipient = recipient;
            this.keepContent = keepContent;
            this.untilNanos = untilNanos;
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
        if (find(recipient) != null) {
            throw new IllegalStateException("this connection is recording already; send record stop first");
        }
        if (sessions.size() >= MAX_RECORDINGS) {
            throw new IllegalStateException("the router runs " + MAX_RECORDINGS + " recordings already, the most it"
                    + " runs at once");
        }
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread named = new Thread(runnable, "switchboard-recorder");
                named.setDaemon(true);
                return named;
            });
            thread.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
        sessions.add(new Session(recipient, keepContent, ticker.nanoTime() + forTime.toNanos()));
        recording = true;
        return clock.instant().plus(forTime);
    }

    /**
     * Stops the recording of {@code recipient}: what is queued goes out, then {@code recording_ended}.
     *
     * @return whether it was recording
     */
    boolean stop(Recipient recipient) {
        Session session = find(recipient);
        if (session == null || session.ending != null) {
            return false;
        }
        session.ending = "stopped";
        return true;
    }

    /** Forgets the recording of {@code recipient} at once (its connection closed). */
    synchronized void forget(Recipient recipient) {
        Session session = find(recipient);
        if (session != null) {
            sessions.remove(session);
            recording = !sessions.isEmpty();
        }
    }

    /** Whether {@code recipient} is recording now. */
    boolean isRecording(Recipient recipient) {
        Session session = find(recipient);
        return session != null && session.ending == null;
    }

    private Session find(Recipient recipient) {
        for (Session session : sessions) {
            if (session.recipient == recipient) {
                return session;
            }
        }
        return null;
    }

    @Override
    public void frame(String userId, String connectionId, String text) {
        if (recording) {
            add(new Arrived(clock.instant(), userId, connectionId, text));
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
            add(new RecordedEntry(RecordedEntry.ERROR, clock.instant(), userId, connectionId, null, null, messageType,
                    code.wire(), null, null));
        }
    }

    @Override
    public void started(RunInfo run) {
        if (recording) {
            add(new RecordedEntry(RecordedEntry.RUN_STARTED, clock.instant(), run.userId(), run.connectionId(), null,
                    null, null, null, run.runId(), null));
        }
    }

    @Override
    public void ended(RunInfo run) {
        if (recording) {
            add(new RecordedEntry(RecordedEntry.RUN_ENDED, clock.instant(), run.userId(), null, null, null, null, null,
                    run.runId(), run.status().wire()));
        }
    }

    private void add(Object entry) {
        if (queued.incrementAndGet() > QUEUE) {
            queued.decrementAndGet();
            overflowed.incrementAndGet();
            return;
        }
        queue.add(entry);
    }

    /** Sends what was seen: one frame per recording, or (a recording ending) everything queued, then its end. */
    void tick() {
        try {
            long lost = overflowed.getAndSet(0);
            if (sessions.isEmpty()) {
                drop(Integer.MAX_VALUE);
                return;
            }
            for (Session session : sessions) {
                session.dropped += lost;
                if (session.ending == null && ticker.nanoTime() - session.untilNanos >= 0) {
                    session.ending = "expired";
                }
            }
            boolean ending = sessions.stream().anyMatch(session -> session.ending != null);
            do {
                List<Object> batch = take();
                send(batch);
                if (batch.size() < PER_FRAME) {
                    break;
                }
            } while (ending);
            for (Session session : sessions) {
                if (session.ending != null) {
                    end(session);
                }
            }
        } catch (RuntimeException e) {
            log.warn("the recorder failed to send a frame", e);
        }
    }

    private List<Object> take() {
        List<Object> batch = new ArrayList<>(Math.min(PER_FRAME, Math.max(16, queued.get())));
        Object next;
        while (batch.size() < PER_FRAME && (next = queue.poll()) != null) {
            queued.decrementAndGet();
            batch.add(next);
        }
        return batch;
    }

    private void drop(int most) {
        for (int i = 0; i < most && queue.poll() != null; i++) {
            queued.decrementAndGet();
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
            if (entries.isEmpty() && session.dropped == 0) {
                continue;
            }
            String frame = Json.write(new RecordingFrame(RecordingFrame.RECORDING, session.seq + 1, entries,
                    session.dropped, null));
            if (session.recipient.offer(frame, false)) {
                session.seq++;
                session.entries += entries.size();
                session.droppedTotal += session.dropped;
                session.dropped = 0;
            } else {
                session.dropped += entries.size();
            }
        }
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
        JsonNode parsed = parse(arrived.text());
        if (parsed == null) {
            return new RecordedEntry(RecordedEntry.UNPARSED, arrived.at(), arrived.userId(), arrived.connectionId(),
                    null, arrived.text().length(), null, null, null, null);
        }
        return new RecordedEntry(RecordedEntry.MESSAGE, arrived.at(), arrived.userId(), arrived.connectionId(),
                keepContent ? parsed : ContentMask.mask((ObjectNode) parsed), null, null, null, null, null);
    }

    /** The frame's object when it is one with a text {@code type} (or a JSON-RPC {@code method}), else null. */
    private static JsonNode parse(String text) {
        try {
            JsonNode node = Json.mapper().readTree(text);
            return node != null && node.isObject() && (node.path("type").isTextual() || node.path("method").isTextual())
                    ? node : null;
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
