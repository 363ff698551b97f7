package dev.switchboard.console.bench;

import dev.switchboard.console.ws.ClientConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Request/reply load for benchmarks: {@code connections} WebSockets (the JDK client), each sending
 * {@code {"type":"ping","message_id":…,"payload":{"pad":…}}} frames of a fixed size and waiting
 * for the frame that answers it (a router's {@code pong} carries the id as {@code reply_to}, an
 * echo server returns the frame itself). Two ways to drive it:
 * <ul>
 *   <li>{@link #closedLoop}: every connection keeps {@code window} requests outstanding, sending
 *       the next as each reply arrives — the highest rate the target sustains;</li>
 *   <li>{@link #openLoop}: requests go out on a fixed schedule whatever the replies do, and each
 *       latency runs from the request's <em>scheduled</em> time, so a stalled target is charged
 *       for every request it delayed (no coordinated omission).</li>
 * </ul>
 * Bounded: each phase ends after its duration and waits at most {@link #SETTLE} for stragglers.
 */
public final class RequestLoad implements AutoCloseable {
    static final Duration SETTLE = Duration.ofSeconds(5);
    /** Handshakes in flight at most while connecting (a router bounds its pending handshakes). */
    private static final int MAX_HANDSHAKES = 200;
    /** Requests tracked per connection and phase: 2^17 for a few connections, down to 2^10 for thousands. */
    private final int ring;
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final URI target;
    private final int connections;
    private final String pad;
    private final ExecutorService io = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "bench-load-io");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder().executor(io).build();
    private final List<Conn> conns = new ArrayList<>();
    private final Recorder latency = new Recorder(HIGHEST_NANOS, 3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile Phase phase;

    /** One measured phase's settings; replies are counted and timed only inside its window. */
    private record Phase(boolean closed, long measureFrom, long measureUntil) {
        boolean scheduledInWindow(long intended) {
            return intended >= measureFrom && intended < measureUntil;
        }
    }

    /**
     * What one phase measured.
     *
     * @param offeredPerSecond the open-loop schedule's rate (0 for closed loop)
     * @param perSecond        replies a second inside the measured window
     * @param unanswered       requests with no reply by the end of the settle time
     * @param latency          request to reply (open loop: from the scheduled send time), nanoseconds
     */
    public record Result(String mode, double offeredPerSecond, double perSecond, long replies, long errors,
                         long unanswered, Histogram latency) {

        public double p50Ms() {
            return latency.getValueAtPercentile(50) / 1e6;
        }

        public double p99Ms() {
            return latency.getValueAtPercentile(99) / 1e6;
        }

        public double p999Ms() {
            return latency.getValueAtPercentile(99.9) / 1e6;
        }

        public double maxMs() {
            return latency.getMaxValue() / 1e6;
        }
    }

    /**
     * @param target       the server's WebSocket URI; each connection adds {@code ?user=<prefix>-<n>}
     * @param connections  how many connections
     * @param messageBytes size of every request frame
     */
    public RequestLoad(URI target, int connections, int messageBytes) {
        this.target = Objects.requireNonNull(target, "target must not be null");
        this.connections = connections;
        this.ring = Integer.highestOneBit(Math.max(1 << 10, Math.min(1 << 17, (1 << 22) / Math.max(1, connections))));
        String frame = frame(0, 0, "");
        this.pad = "x".repeat(Math.max(0, messageBytes - frame.length() - 8));
    }

    private static String frame(int conn, long seq, String pad) {
        return "{\"type\":\"ping\",\"message_id\":\"c" + conn + "-" + seq + "\",\"payload\":{\"pad\":\"" + pad + "\"}}";
    }

    /** The size of the request frames, in bytes. */
    public int frameBytes() {
        return frame(0, 10_000_000, pad).length();
    }

    /** Opens every connection (blocking, at most a minute). */
    public RequestLoad connect() {
        List<CompletableFuture<Void>> opening = new ArrayList<>();
        java.util.concurrent.Semaphore handshakes = new java.util.concurrent.Semaphore(MAX_HANDSHAKES);
        for (int i = 0; i < connections; i++) {
            Conn conn = new Conn(i, client);
            conns.add(conn);
            handshakes.acquireUninterruptibly();
            opening.add(conn.connection.open(new ClientConnection.Target(URI.create(target + "?user=bench-" + i), null))
                    .whenComplete((ok, failure) -> handshakes.release()));
        }
        awaitOpen(opening, this);
        return this;
    }

    /** Waits at most a minute for every connection of a load to open; closes {@code load} if one does not. */
    static void awaitOpen(List<CompletableFuture<Void>> opening, AutoCloseable load) {
        try {
            CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        } catch (RuntimeException e) {
            try {
                load.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Closed loop: {@code window} requests outstanding per connection; the rate is what comes back. */
    public Result closedLoop(int window, Duration warmup, Duration measure) {
        long start = System.nanoTime();
        begin(new Phase(true, start + warmup.toNanos(), start + warmup.toNanos() + measure.toNanos()));
        for (Conn conn : conns) {
            for (int i = 0; i < window; i++) {
                conn.send(System.nanoTime());
            }
        }
        sleepUntil(start + warmup.toNanos() + measure.toNanos());
        return end("closed-loop", 0, measure);
    }

    /** Parks until {@code deadline} ({@link System#nanoTime()}): one park may return early. */
    static void sleepUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Open loop at {@code perSecond} across all connections, round robin, on a fixed schedule. */
    public Result openLoop(double perSecond, Duration warmup, Duration measure) {
        long start = System.nanoTime();
        long until = start + warmup.toNanos() + measure.toNanos();
        begin(new Phase(false, start + warmup.toNanos(), until));
        OpenLoop.run(perSecond, start, until, (index, scheduled) -> conns.get((int) (index % conns.size())).send(scheduled));
        return end("open-loop", perSecond, measure);
    }

    private void begin(Phase next) {
        latency.reset();
        completed.reset();
        errors.reset();
        conns.forEach(Conn::reset);
        phase = next;
    }

    /**
     * Waits up to {@link #SETTLE} for the phase's last replies (still timed), then charges every
     * request of the measured window that never got one with the time it waited until then: the
     * slowest requests are the last to come back, and leaving them out would hide the tail.
     */
    private Result end(String mode, double offered, Duration measure) {
        Phase ended = phase;
        long settleUntil = System.nanoTime() + SETTLE.toNanos();
        while (outstanding() > 0 && System.nanoTime() < settleUntil) {
            LockSupport.parkNanos(1_000_000);
        }
        long settled = System.nanoTime();
        long unanswered = 0;
        for (Conn conn : conns) {
            unanswered += conn.chargeUnanswered(ended, settled);
        }
        phase = new Phase(false, Long.MAX_VALUE, Long.MIN_VALUE);
        Histogram histogram = latency.getIntervalHistogram();
        long replies = completed.sum();
        return new Result(mode, offered, replies / (measure.toNanos() / 1e9), replies, errors.sum(), unanswered,
                histogram);
    }

    private long outstanding() {
        return conns.stream().mapToLong(Conn::outstanding).sum();
    }

    @Override
    public void close() {
        conns.forEach(conn -> conn.connection.abort());
        io.shutdownNow();
    }

    /**
     * A reply: its latency counts when its request was scheduled inside the measured window
     * (whenever it arrives), and it counts towards the rate when it arrives inside that window.
     */
    private void onReply(Conn conn, long seq, boolean error, long now) {
        Phase current = phase;
        long intended = conn.answer(seq);
        if (intended == Long.MIN_VALUE) {
            return; // a late reply of an earlier phase, or a duplicate
        }
        if (current.scheduledInWindow(intended)) {
            latency.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, now - intended)));
            if (error) {
                errors.increment();
            }
        }
        if (now >= current.measureFrom && now <= current.measureUntil) {
            completed.increment();
        }
        if (current.closed && now < current.measureUntil) {
            conn.send(System.nanoTime());
        }
    }

    /** One connection: its requests' scheduled times by sequence number. */
    private final class Conn implements ClientConnection.Listener {
        final int index;
        final long[] intended = new long[ring];
        final boolean[] done = new boolean[ring];
        /** A phase may queue up to {@code ring} requests on one connection (an open loop against a stalled target). */
        final ClientConnection connection;
        private long nextSeq;
        private long phaseStart;
        private long answered;

        Conn(int index, HttpClient client) {
            this.index = index;
            this.connection = ClientConnection.builder(client).connectTimeout(Duration.ofSeconds(10)).maxQueuedSends(ring)
                    .listener(this).build();
        }

        synchronized void reset() {
            phaseStart = nextSeq;
            answered = 0;
        }

        synchronized long outstanding() {
            return nextSeq - phaseStart - answered;
        }

        /** Marks {@code seq} answered; its scheduled time, or {@code Long.MIN_VALUE} to ignore it. */
        synchronized long answer(long seq) {
            int slot = (int) (seq & (ring - 1));
            if (seq < phaseStart || seq >= nextSeq || done[slot]) {
                return Long.MIN_VALUE;
            }
            done[slot] = true;
            answered++;
            return intended[slot];
        }

        /** Records every unanswered request of the window as waiting until {@code now}; returns how many. */
        synchronized long chargeUnanswered(Phase ended, long now) {
            long count = 0;
            for (long seq = phaseStart; seq < nextSeq; seq++) {
                int slot = (int) (seq & (ring - 1));
                if (!done[slot]) {
                    count++;
                    if (ended.scheduledInWindow(intended[slot])) {
                        latency.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, now - intended[slot])));
                    }
                }
            }
            return count;
        }

        synchronized void send(long intendedNanos) {
            if (nextSeq - phaseStart >= ring) {
                throw new IllegalStateException("more than " + ring + " requests on one connection in one phase:"
                        + " use more connections or a shorter phase");
            }
            long seq = nextSeq++;
            intended[(int) (seq & (ring - 1))] = intendedNanos;
            done[(int) (seq & (ring - 1))] = false;
            connection.send(frame(index, seq, pad));
        }

        @Override
        public void onText(String frame) {
            long now = System.nanoTime();
            long seq = sequence(frame);
            if (seq >= 0) {
                onReply(this, seq, frame.startsWith("{\"type\":\"error\""), now);
            }
        }

        /** The sequence number in {@code "c<conn>-<seq>"}, found as message_id (echo) or reply_to (router). */
        private long sequence(String frame) {
            int at = frame.indexOf("\"reply_to\":\"c");
            if (at < 0) {
                at = frame.indexOf("\"message_id\":\"c");
            }
            if (at < 0) {
                return -1;
            }
            int dash = frame.indexOf('-', at);
            int end = frame.indexOf('"', dash);
            return dash < 0 || end < 0 ? -1 : Long.parseLong(frame, dash + 1, end, 10);
        }
    }
}
