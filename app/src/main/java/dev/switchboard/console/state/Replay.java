package dev.switchboard.console.state;

import dev.switchboard.console.feed.ReplayFeed;
import dev.switchboard.console.feed.SessionRecorder;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Plays a saved session into a {@link ConsoleState} at the session's own times: each step moves the
 * replay's clock (the state's clock, see {@link ReplayFeed#positionMillis()}) to its time and is
 * applied as one batch, so the overview samples a point a second as it did live, runs are judged
 * stuck or not by the session's clock, and the feed's outages fall where they were. Steps are handed
 * to the FX thread {@value #STEPS_PER_CALL} at a time (one call per chunk, never one per frame);
 * when all are shown the status says offline.
 */
public final class Replay {
    static final int STEPS_PER_CALL = 60;

    private Replay() {
    }

    /**
     * Plays {@code session} into {@code state} (built with {@code session::positionMillis} as its
     * clock), recording it into {@code recorder} as it goes so that it can be saved again; each
     * chunk runs through {@code fx}.
     */
    public static void play(ReplayFeed session, ConsoleState state, SessionRecorder recorder, Executor fx) {
        play(session, state, recorder, fx, Long.MAX_VALUE);
    }

    /** {@link #play(ReplayFeed, ConsoleState, SessionRecorder, Executor)} up to {@code untilMillis}: the session as it was then. */
    public static void play(ReplayFeed session, ConsoleState state, SessionRecorder recorder, Executor fx,
            long untilMillis) {
        List<ReplayFeed.Step> steps = session.steps().stream().filter(step -> step.atMillis() <= untilMillis).toList();
        for (int from = 0; from < steps.size(); from += STEPS_PER_CALL) {
            List<ReplayFeed.Step> chunk = steps.subList(from, Math.min(steps.size(), from + STEPS_PER_CALL));
            fx.execute(() -> chunk.forEach(step -> {
                session.moveTo(step.atMillis());
                if (step.status() != null) {
                    recorder.status(step.status());
                    state.offerStatus(step.status());
                }
                step.frames().forEach(frame -> {
                    recorder.accept(frame);
                    state.offer(frame);
                });
                state.applyPending();
            }));
        }
        fx.execute(() -> {
            state.offerStatus(session.offlineStatus());
            state.applyPending();
        });
    }
}
