package dev.switchboard.router.support;

import dev.switchboard.router.time.Scheduler;
import dev.switchboard.router.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A scheduler and ticker that tests move by hand: nothing runs until {@link #advance}, which runs
 * every task that falls due, in order of due time, on the calling thread. When built with a
 * {@link ManualClock}, the clock moves along.
 */
public final class ManualScheduler implements Scheduler, Ticker {
    private final ManualClock clock;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::order));
    private long nanos = 1_000_000_000L;
    private long order;

    private final class Task implements Scheduled {
        private final long dueNanos;
        private final long order;
        private final Runnable work;
        private volatile boolean cancelled;

        Task(long dueNanos, long order, Runnable work) {
            this.dueNanos = dueNanos;
            this.order = order;
            this.work = work;
        }

        long dueNanos() {
            return dueNanos;
        }

        long order() {
            return order;
        }

        @Override
        public void cancel() {
            cancelled = true;
            synchronized (ManualScheduler.this) {
                tasks.remove(this);
            }
        }
    }

    public ManualScheduler() {
        this(null);
    }

    public ManualScheduler(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Scheduled schedule(Runnable task, Duration delay) {
        Task scheduled = new Task(nanos + delay.toNanos(), order++, task);
        tasks.add(scheduled);
        return scheduled;
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    /** Moves time forward by {@code duration}, running each task that falls due at its due time. */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = nanos + duration.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.dueNanos() > target) {
                    moveTo(target);
                    return;
                }
                tasks.poll();
                moveTo(next.dueNanos());
            }
            if (!next.cancelled) {
                next.work.run();
            }
        }
    }

    private void moveTo(long target) {
        if (clock != null) {
            clock.advance(Duration.ofNanos(target - nanos));
        }
        nanos = target;
    }

    /** Tasks waiting to run. */
    public synchronized int pending() {
        return tasks.size();
    }

    /** The delays until each waiting task, soonest first. */
    public synchronized List<Duration> pendingDelays() {
        List<Duration> delays = new ArrayList<>();
        tasks.stream().sorted(tasks.comparator()).forEach(task -> delays.add(Duration.ofNanos(task.dueNanos() - nanos)));
        return delays;
    }
}
