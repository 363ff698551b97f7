package dev.switchboard.router.trace;

import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.monitor.wire.TraceStep;
import dev.switchboard.router.protocol.FieldMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A sampled message's path while it is under way: each stage it passes adds a step, on whichever
 * thread runs that stage (the socket's I/O thread, a dispatch worker, a handler). {@link Tracer}
 * keeps it from the frame's arrival, so a trace asked for while its message is under way shows the
 * steps so far. Only sampled messages have one, so an unsampled message pays for none of this.
 */
public final class MessageTrace {
    private final Instant at;
    private final long startNanos;
    private final String userId;
    private final String connectionId;
    private final int frameBytes;
    /**
     * The steps, in the order they were added, kept small (a trace lives seconds, through young
     * collections that copy it): each one's name, two longs (when it began after the frame arrived,
     * and how long it took, in ns) and its detail in a {@link FieldMap}. {@link #record()} makes
     * {@link TraceStep}s from them.
     */
    private String[] stepNames = new String[INITIAL_STEPS];
    private long[] stepNanos = new long[2 * INITIAL_STEPS];
    private FieldMap[] stepDetails = new FieldMap[INITIAL_STEPS];
    private int stepCount;
    private String type;
    private String messageId;
    private String runId;
    private boolean finished;
    private int droppedSteps;
    /** Told once, when the message is done (the monitor's {@code message_trace}). */
    private final java.util.function.Consumer<MessageTrace> whenDone;

    /** Steps one trace keeps (a batch's elements each add theirs); the rest are counted. */
    public static final int MAX_STEPS = 32;
    /** Room for the steps of one message that starts no run. */
    private static final int INITIAL_STEPS = 8;

    MessageTrace(Instant at, long startNanos, String userId, String connectionId, int frameBytes,
                 java.util.function.Consumer<MessageTrace> whenDone) {
        this.whenDone = whenDone;
        this.at = at;
        this.startNanos = startNanos;
        this.userId = userId;
        this.connectionId = connectionId;
        this.frameBytes = frameBytes;
    }

    /** When the frame arrived, on {@link System#nanoTime()}'s clock. */
    public long startNanos() {
        return startNanos;
    }

    /**
     * Adds a step that began at {@code startedNanos} and ends now; also after {@link #done()} (the
     * run a message started adds its {@code backend} and {@code retry} steps from the launcher).
     */
    public void step(String name, long startedNanos, Map<String, Object> detail) {
        long now = System.nanoTime();
        FieldMap kept = detail == null ? null : FieldMap.copyOf(detail);
        synchronized (this) {
            if (stepCount == MAX_STEPS) {
                droppedSteps++; // a batch of 50: its first steps tell the story, the count the rest
                return;
            }
            if (stepCount == stepNames.length) {
                int room = Math.min(MAX_STEPS, 2 * stepCount);
                stepNames = Arrays.copyOf(stepNames, room);
                stepNanos = Arrays.copyOf(stepNanos, 2 * room);
                stepDetails = Arrays.copyOf(stepDetails, room);
            }
            stepNames[stepCount] = name;
            stepNanos[2 * stepCount] = startedNanos - startNanos;
            stepNanos[2 * stepCount + 1] = now - startedNanos;
            stepDetails[stepCount] = kept;
            stepCount++;
        }
    }

    /** The message the frame turned out to be. */
    public synchronized void message(String messageType, String id) {
        this.type = messageType;
        this.messageId = id;
    }

    /** The run the message started. */
    public synchronized void run(String id) {
        this.runId = id;
    }

    /**
     * The message is done (answered, refused, or handled): its trace says so from now on, and the
     * first call tells the tracer's listener.
     */
    public void done() {
        boolean first;
        synchronized (this) {
            first = !finished;
            finished = true;
        }
        if (first) {
            whenDone.accept(this);
        }
    }

    synchronized String userId() {
        return userId;
    }

    synchronized String messageId() {
        return messageId;
    }

    synchronized String runId() {
        return runId;
    }

    /** What the trace holds now. */
    public synchronized TraceRecord record() {
        List<TraceStep> steps = new ArrayList<>(stepCount);
        double total = 0;
        for (int i = 0; i < stepCount; i++) {
            TraceStep step = new TraceStep(stepNames[i], ms(stepNanos[2 * i]), ms(stepNanos[2 * i + 1]),
                    stepDetails[i]);
            steps.add(step);
            total = Math.max(total, step.atMs() + step.ms());
        }
        // stages on different threads may add their steps a little out of order: by when each began
        steps.sort(java.util.Comparator.comparingDouble(TraceStep::atMs));
        return new TraceRecord(at, userId, connectionId, messageId, type, runId, frameBytes, round(total), finished,
                droppedSteps, List.copyOf(steps));
    }

    private static double ms(long nanos) {
        return round(Math.max(0, nanos) / 1e6);
    }

    /** To the microsecond. */
    private static double round(double ms) {
        return Math.round(ms * 1_000) / 1_000.0;
    }
}
