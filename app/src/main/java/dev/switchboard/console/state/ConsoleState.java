package dev.switchboard.console.state;

import dev.switchboard.console.feed.ClusterPicture;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.NodeFrame;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The one seam between the feed and the UI. Feed threads only {@link #offer} frames, already read
 * into the monitor protocol's records, into a bounded buffer; {@link #applyPending()}, called by
 * one fixed-rate tick on the FX thread (at most 10 Hz), drains it and hands the frames as one
 * {@link MonitorBatch} to each feature's view model, which applies it with one change per list.
 * No per-message callback ever reaches the FX thread. Uses JavaFX properties only (no scene graph),
 * so it is tested without a window.
 */
public final class ConsoleState {
    /** Limits of what the console keeps (each feature's view model keeps its own part). */
    public record Limits(int runs, int errors, int samples, long stuckAfterMs, int logLines) {
        /** 2,000 runs, 1,000 errors, 10 minutes of one sample a second, stuck after 10 s, 5,000 log lines. */
        public static Limits defaults() {
            return new Limits(2_000, 1_000, 600, 10_000, 5_000);
        }
    }

    private final Limits limits;
    private final LongSupplier clock;
    private final ArrayBlockingQueue<NodeFrame> inbox = new ArrayBlockingQueue<>(256);
    private final AtomicLong droppedDocuments = new AtomicLong();
    private final AtomicReference<FeedStatus> pendingStatus = new AtomicReference<>();
    private final AtomicReference<ClusterPicture> pendingCluster = new AtomicReference<>();
    private final List<MonitorBatch.Listener> listeners = new CopyOnWriteArrayList<>();
    private final long startedAt;
    private volatile LongConsumer applyNanos = nanos -> { };

    private final ReadOnlyObjectWrapper<FeedStatus> status = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyDoubleWrapper updatesPerSecond = new ReadOnlyDoubleWrapper();
    private long updatesSeen;
    private long rateWindowStart;

    public ConsoleState(Limits limits, LongSupplier clockMillis) {
        this.limits = Objects.requireNonNull(limits, "limits must not be null");
        this.clock = Objects.requireNonNull(clockMillis, "clockMillis must not be null");
        this.startedAt = clockMillis.getAsLong();
        this.rateWindowStart = startedAt;
    }

    /** What the console keeps; the view models read their part. */
    public Limits limits() {
        return limits;
    }

    /** The console's clock when this state was made (the origin of the overview's time axis). */
    public long startedAtMillis() {
        return startedAt;
    }

    /** Hands every batch, from the next tick on, to {@code listener} (after the ones added before). */
    public void addListener(MonitorBatch.Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    /** Called on a feed thread: keeps a router alone's frame for the next tick (the oldest go when full). */
    public void offer(MonitorFrame frame) {
        offer(NodeFrame.alone(frame));
    }

    /** Called on a feed thread: keeps the frame for the next tick (the oldest go when full). */
    public void offer(NodeFrame frame) {
        while (!inbox.offer(frame)) {
            if (inbox.poll() != null) {
                droppedDocuments.incrementAndGet();
            }
        }
    }

    /** Called on a feed thread: the latest status wins. */
    public void offerStatus(FeedStatus feedStatus) {
        pendingStatus.set(feedStatus);
    }

    /** Called on a feed thread: the latest node table wins. */
    public void offerCluster(ClusterPicture picture) {
        pendingCluster.set(picture);
    }

    /** Receives how long each {@link #applyPending()} took (for the load check). */
    public void onApply(LongConsumer timer) {
        this.applyNanos = Objects.requireNonNull(timer, "timer must not be null");
    }

    /** Applies everything offered since the last call, in one batch. Call on the FX thread. */
    public void applyPending() {
        long began = System.nanoTime();
        apply();
        applyNanos.accept(System.nanoTime() - began);
    }

    private void apply() {
        FeedStatus nextStatus = pendingStatus.getAndSet(null);
        if (nextStatus != null) {
            status.set(nextStatus);
        }
        List<NodeFrame> frames = new ArrayList<>(inbox.size());
        inbox.drainTo(frames);
        frames.forEach(frame -> updatesSeen += frame.frame() instanceof MonitorUpdate ? 1 : 0);
        long now = clock.getAsLong();
        MonitorBatch batch = new MonitorBatch(frames, pendingCluster.getAndSet(null), now);
        // every tick, even an empty one: a run that stopped talking is found stuck by the clock
        for (MonitorBatch.Listener listener : listeners) {
            listener.apply(batch);
        }
        if (now - rateWindowStart >= 1000) {
            updatesPerSecond.set(Math.round(updatesSeen * 10_000.0 / (now - rateWindowStart)) / 10.0);
            updatesSeen = 0;
            rateWindowStart = now;
        }
    }

    public ReadOnlyObjectProperty<FeedStatus> statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Feed updates applied per second (the status bar's "update rate"). */
    public ReadOnlyDoubleProperty updatesPerSecondProperty() {
        return updatesPerSecond.getReadOnlyProperty();
    }

    /** Frames dropped because the UI fell behind by more than 256 of them. */
    public long droppedDocuments() {
        return droppedDocuments.get();
    }
}
