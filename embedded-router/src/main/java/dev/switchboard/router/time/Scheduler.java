package dev.switchboard.router.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay: how timed logic (run timeouts, simulated agent steps) waits, so a
 * test can move time by hand instead of sleeping. Production wraps a {@link ScheduledExecutorService}.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Runs {@code task} once {@code delay} has passed.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the scheduler has been shut down
     */
    Scheduled schedule(Runnable task, Duration delay);

    /** A task waiting to run. */
    @FunctionalInterface
    interface Scheduled {

        /** Keeps the task from running if it has not started yet; does nothing otherwise. */
        void cancel();
    }

    /** Schedules on {@code executor} (millisecond resolution, as before the interface existed). */
    static Scheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor must not be null");
        return (task, delay) -> {
            ScheduledFuture<?> future = executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        };
    }
}
