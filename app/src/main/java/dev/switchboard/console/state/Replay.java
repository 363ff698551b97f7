package dev.switchboard.console.state;

import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.feed.SessionRecorder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One showing of a saved session: plays it into a {@link ConsoleState} at the session's own times.
 * Each step moves this replay's clock ({@link #clockMillis()}, the state's clock) to its time and
 * is applied as one batch, so the overview samples a point a second as it did live, runs are judged
 * stuck or not by the session's clock, and the feed's outages fall where they were. Steps are handed
 * to the FX thread {@value #STEPS_PER_CALL} at a time (one call per chunk, never one per frame);
 * when all are shown the status says offline. {@link #stop()} drops the chunks not yet run (the
 * window is being built again at another moment).
 */
public final class Replay {
    static final int STEPS_PER_CALL = 60;
    private static final int FRAMES_PER_APPLY = 200;

    private final ReplayFeed session;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile long clock;

    /** A showing of {@code session}, its clock at the session's start. */
    public Replay(ReplayFeed session) {
        this.session = Objects.requireNonNull(session, "session must not be null");
        this.clock = session.firstMillis();
    }

    /** Where this showing has got to, epoch milliseconds: the clock of the state it plays into. */
    public long clockMillis() {
        return clock;
    }

    /** A state on this showing's clock. */
    public ConsoleState newState() {
        return new ConsoleState(ConsoleState.Limits.defaults(), this::clockMillis);
    }

    /** Plays the whole session; see {@link #play(ConsoleState, SessionRecorder, Executor, long)}. */
    public void play(ConsoleState state, SessionRecorder recorder, Executor fx) {
        play(state, recorder, fx, Long.MAX_VALUE);
    }

    /**
     * Plays the session up to {@code untilMillis} into {@code state} (made by {@link #newState()}),
     * recording it into {@code recorder} as it goes so that it can be saved again; each chunk runs
     * through {@code fx}.
     */
    public void play(ConsoleState state, SessionRecorder recorder, Executor fx, long untilMillis) {
        List<ReplayFeed.Step> steps = session.steps().stream().takeWhile(step -> step.atMillis() <= untilMillis)
                .toList();
        for (int from = 0; from < steps.size(); from += STEPS_PER_CALL) {
            List<ReplayFeed.Step> chunk = steps.subList(from, Math.min(steps.size(), from + STEPS_PER_CALL));
            fx.execute(() -> {
                if (stopped.get()) {
                    return;
                }
                chunk.forEach(step -> {
                    clock = step.atMillis();
                    if (step.status() != null) {
                        recorder.status(step.status());
                        state.offerStatus(step.status());
                    }
                    int offered = 0;
                    for (var frame : step.frames()) {
                        recorder.accept(frame);
                        state.offer(frame);
                        // the state's inbox holds 256 frames: a second holding more (a file of
                        // frames without times) is applied in parts, none dropped
                        if (++offered % FRAMES_PER_APPLY == 0) {
                            state.applyPending();
                        }
                    }
                    state.applyPending();
                });
            });
        }
        fx.execute(() -> {
            if (!stopped.get()) {
                state.offerStatus(session.offlineStatus(clock));
                state.applyPending();
            }
        });
    }

    /** Drops what has not been played yet. */
    public void stop() {
        stopped.set(true);
    }
}
