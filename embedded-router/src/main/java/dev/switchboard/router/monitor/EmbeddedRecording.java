package dev.switchboard.router.monitor;

import dev.switchboard.router.monitor.wire.RecordingFrame;
import dev.switchboard.router.protocol.Json;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recording the embedding process started ({@code Router.record}): the same {@code recording}
 * frames, then {@code recording_ended}, that a {@code /monitor} connection receives after
 * {@code record start}, handed as their JSON to the embedder's consumer. The consumer runs on a
 * thread of this recording's own, never on the recorder's (which serves every recording): while it
 * has {@value #MAX_WAITING} frames waiting, further ones are refused and their entries counted as
 * dropped in the next frame, as for a monitor connection that does not read.
 */
public final class EmbeddedRecording implements AutoCloseable {
    /** Frames waiting for the consumer before further ones are refused (the last one is always taken). */
    public static final int MAX_WAITING = 32;
    /** What {@link #ended()} completes with when the recording was closed before its end came. */
    public static final String CLOSED = "closed";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedRecording.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private record Waiting(String frame, boolean last) {
    }

    private final MonitorEndpoint endpoint;
    private final String by;
    private final Consumer<String> frames;
    private final LinkedBlockingQueue<Waiting> waiting = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread delivery;
    /** What the recorder sends to (not this class: an embedder must not be able to offer frames). */
    private final TrafficRecorder.Recipient recipient = this::offer;

    EmbeddedRecording(MonitorEndpoint endpoint, String by, Consumer<String> frames) {
        this.endpoint = endpoint;
        this.by = by;
        this.frames = Objects.requireNonNull(frames, "frames must not be null");
        this.delivery = new Thread(this::deliver, "switchboard-recording-" + THREADS.incrementAndGet());
        this.delivery.setDaemon(true);
    }

    /** Starts handing frames over (once the router accepted the recording). */
    void deliverFrames() {
        delivery.start();
    }

    /** Where the recorder sends this recording's frames. */
    TrafficRecorder.Recipient recipient() {
        return recipient;
    }

    private boolean offer(String frame, boolean last) {
        if (closed.get() || !last && waiting.size() >= MAX_WAITING) {
            return false;
        }
        waiting.add(new Waiting(frame, last));
        return true;
    }

    private void deliver() {
        try {
            while (!closed.get()) {
                Waiting next = waiting.take();
                try {
                    frames.accept(next.frame());
                } catch (RuntimeException e) {
                    // a listener never breaks the contract: the recording goes on, its end still comes
                    log.warn("a recording's consumer failed", e);
                }
                if (next.last()) {
                    RecordingFrame end = Json.mapper().readValue(next.frame(), RecordingFrame.class);
                    finish(end.reason());
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed
        } catch (java.io.IOException e) {
            finish(CLOSED); // the recorder wrote the frame: not expected
        }
    }

    private void finish(String reason) {
        closed.set(true);
        endpoint.forget(this);
        ended.complete(reason);
    }

    /**
     * Stops recording: what the router saw until now still comes, then {@code recording_ended} with
     * reason {@code stopped}. Audited and counted as the command {@code record stop}.
     *
     * @return whether it was recording (false once it ended or was stopped)
     */
    public boolean stop() {
        if (closed.get()) {
            return false;
        }
        return endpoint.stopRecording(by, this);
    }

    /**
     * Completes, on the recording's thread, once the consumer had the last frame, with its
     * {@code reason} ({@code stopped} or {@code expired}), or with {@value #CLOSED} when the recording
     * was closed first ({@link #close()}, or the router stopping).
     */
    public CompletableFuture<String> ended() {
        return ended.copy();
    }

    /** Ends the recording at once: frames still waiting are not handed over. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            endpoint.forget(this);
            delivery.interrupt();
            waiting.clear();
            ended.complete(CLOSED);
        }
    }
}
