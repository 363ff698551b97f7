package dev.switchboard.router.protection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The bounded priority queue between protection and dispatch. Higher classes are served first;
 * within a class, users take turns (round robin), so one user's flood cannot starve another at the
 * same priority. A user's messages are handed out one at a time ({@link #done} releases the next),
 * so each user's messages are handled in order even with several workers. A message older than
 * its class's TTL when its turn comes is handed out marked expired.
 *
 * <p>One lock guards the structure: a handoff between threads needs one, and it is held for a
 * few map operations only.
 *
 * @param <T> what is queued
 */
public final class DispatchQueue<T> {

    /** The outcome of {@link #offer}. */
    public enum Offer { QUEUED, FULL, USER_FULL, CLOSED }

    /**
     * A message handed to a worker.
     *
     * @param value    what was queued
     * @param userId   whose it is
     * @param priority its class
     * @param waitedNanos how long it waited
     * @param expired  whether it waited past its class's TTL
     */
    public record Taken<T>(T value, String userId, Priority priority, long waitedNanos, boolean expired) {
    }

    private record Entry<T>(T value, long enqueuedAt) {
    }

    private static final Priority[] PRIORITIES = Priority.values();

    /**
     * One user's messages, one deque per class, and where the user stands: found with one map
     * lookup per offer and per {@link #done}, and kept while idle (swept when the idle ones
     * outnumber the rest), so that a user sending one message at a time allocates no queue.
     */
    private static final class UserLine<T> {
        final String userId;
        @SuppressWarnings("unchecked")
        final ArrayDeque<Entry<T>>[] byClass = new ArrayDeque[PRIORITIES.length];
        /** Whether the user is in a class's turns. */
        final boolean[] waiting = new boolean[PRIORITIES.length];
        int queued;
        boolean busy;

        UserLine(String userId) {
            this.userId = userId;
        }

        ArrayDeque<Entry<T>> entries(int priority) {
            ArrayDeque<Entry<T>> entries = byClass[priority];
            if (entries == null) {
                entries = new ArrayDeque<>(4);
                byClass[priority] = entries;
            }
            return entries;
        }

        boolean has(int priority) {
            return byClass[priority] != null && !byClass[priority].isEmpty();
        }

        boolean idle() {
            return queued == 0 && !busy;
        }
    }

    private static final class ClassQueue<T> {
        final ArrayDeque<UserLine<T>> turns = new ArrayDeque<>();
        int size;
    }

    private static final int FIRST_SWEEP = 1024;

    private QueuePolicy policy;
    private final LongSupplier nanoTime;
    @SuppressWarnings("unchecked")
    private final ClassQueue<T>[] classes = new ClassQueue[PRIORITIES.length];
    private final long[] ttlNanos = new long[PRIORITIES.length];
    private final Map<String, UserLine<T>> users = new HashMap<>();
    /** The size of {@link #users} at which idle lines are swept next. */
    private int sweepAt = FIRST_SWEEP;
    /** Users an operator gave a smaller per-user room, by user (under the lock). */
    private final Map<String, Integer> perUserOverrides = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final LongAdder[] expired = new LongAdder[PRIORITIES.length];
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder refusedUserFull = new LongAdder();
    private int size;
    private boolean paused;
    private boolean closed;

    /**
     * @param policy   bounds and TTLs
     * @param nanoTime the time source (System::nanoTime, or a test clock)
     * @param paused   whether to start paused (messages are held until {@link #resume})
     */
    public DispatchQueue(QueuePolicy policy, LongSupplier nanoTime, boolean paused) {
        this.policy = Objects.requireNonNull(policy, "policy must not be null");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime must not be null");
        this.paused = paused;
        for (Priority priority : PRIORITIES) {
            classes[priority.ordinal()] = new ClassQueue<>();
            ttlNanos[priority.ordinal()] = policy.ttl().get(priority).toNanos();
            expired[priority.ordinal()] = new LongAdder();
        }
    }

    public QueuePolicy policy() {
        lock.lock();
        try {
            return policy;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Changes capacity, per-user share and TTLs at runtime (the worker count is fixed at start).
     * Messages already queued stay; the new bounds apply to the next offer and take.
     */
    public void policy(QueuePolicy replacement) {
        lock.lock();
        try {
            policy = Objects.requireNonNull(replacement, "replacement must not be null");
            for (Priority priority : PRIORITIES) {
                ttlNanos[priority.ordinal()] = replacement.ttl().get(priority).toNanos();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives {@code userId} room for {@code perUser} queued messages instead of the policy's (an
     * operator provoking {@code overloaded}); null gives it the policy's again.
     */
    public void limitUser(String userId, Integer perUser) {
        lock.lock();
        try {
            if (perUser == null) {
                perUserOverrides.remove(userId);
            } else {
                perUserOverrides.put(userId, perUser);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues a message of {@code userId} in class {@code priority}. */
    public Offer offer(T value, String userId, Priority priority) {
        lock.lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            if (size >= policy.capacity()) {
                refusedFull.increment();
                return Offer.FULL;
            }
            UserLine<T> line = users.get(userId);
            int mine = line == null ? 0 : line.queued;
            // a squeeze never gives more room than the policy
            int room = perUserOverrides.isEmpty() ? policy.perUser()
                    : Math.min(policy.perUser(), perUserOverrides.getOrDefault(userId, policy.perUser()));
            if (mine >= room) {
                refusedUserFull.increment();
                return Offer.USER_FULL;
            }
            if (line == null) {
                line = newLine(userId);
            }
            int p = priority.ordinal();
            line.queued++;
            line.entries(p).add(new Entry<>(value, nanoTime.getAsLong()));
            ClassQueue<T> queue = classes[p];
            queue.size++;
            size++;
            if (!line.busy && !line.waiting[p]) {
                line.waiting[p] = true;
                queue.turns.add(line);
                available.signal();
            }
            return Offer.QUEUED;
        } finally {
            lock.unlock();
        }
    }

    private UserLine<T> newLine(String userId) {
        if (users.size() >= sweepAt) {
            users.values().removeIf(UserLine::idle);
            sweepAt = Math.max(FIRST_SWEEP, 2 * users.size());
        }
        UserLine<T> line = new UserLine<>(userId);
        users.put(userId, line);
        return line;
    }

    /**
     * Lets the caller handle a message of {@code userId} itself, at once, instead of queuing it:
     * only when nothing of the user's is queued or being handled and the queue is handing messages
     * out, so that the user's messages stay in order and one at a time; never for a user an operator
     * gave less room ({@link #limitUser}), whose messages meet the squeeze in the queue. On true the
     * user counts as busy until the caller calls {@link #done}.
     */
    public boolean tryHandleNow(String userId) {
        lock.lock();
        try {
            if (paused || closed || !perUserOverrides.isEmpty() && perUserOverrides.containsKey(userId)) {
                return false;
            }
            UserLine<T> line = users.get(userId);
            if (line == null) {
                line = newLine(userId);
            } else if (!line.idle()) {
                return false;
            }
            line.busy = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the next message: the highest class with a user whose turn it is. The caller must
     * call {@link #done} with the message's user once it is handled.
     *
     * @return the message, or null when the wait timed out or the queue is closed
     */
    public Taken<T> take(long timeout, TimeUnit unit) throws InterruptedException {
        long left = unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return null;
                }
                if (!paused) {
                    Taken<T> taken = poll();
                    if (taken != null) {
                        return taken;
                    }
                }
                if (left <= 0) {
                    return null;
                }
                left = available.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private Taken<T> poll() {
        for (int p = 0; p < PRIORITIES.length; p++) {
            ClassQueue<T> queue = classes[p];
            for (UserLine<T> line = queue.turns.poll(); line != null; line = queue.turns.poll()) {
                line.waiting[p] = false;
                if (line.busy) {
                    continue; // its done() puts it back in turn
                }
                Entry<T> entry = line.byClass[p].poll();
                queue.size--;
                size--;
                line.queued--;
                line.busy = true;
                long waited = nanoTime.getAsLong() - entry.enqueuedAt();
                boolean late = waited > ttlNanos[p];
                if (late) {
                    expired[p].increment();
                }
                return new Taken<>(entry.value(), line.userId, PRIORITIES[p], waited, late);
            }
        }
        return null;
    }

    /** Releases {@code userId}'s next message, if any, to the workers. */
    public void done(String userId) {
        lock.lock();
        try {
            UserLine<T> line = users.get(userId);
            if (line == null) {
                return; // drained while it was handled
            }
            line.busy = false;
            boolean any = false;
            for (int p = 0; p < PRIORITIES.length; p++) {
                if (line.has(p) && !line.waiting[p]) {
                    line.waiting[p] = true;
                    classes[p].turns.add(line);
                    any = true;
                }
            }
            if (any) {
                available.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts handing messages out (after start-up). */
    public void resume() {
        lock.lock();
        try {
            paused = false;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new messages and wakes every worker; queued messages are returned by {@link #drain}. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            available.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes and returns everything still queued (after {@link #close}), highest class first. */
    public List<T> drain() {
        lock.lock();
        try {
            List<T> left = new ArrayList<>(size);
            for (int p = 0; p < PRIORITIES.length; p++) {
                for (UserLine<T> line : users.values()) {
                    if (line.byClass[p] != null) {
                        line.byClass[p].forEach(entry -> left.add(entry.value()));
                    }
                }
                classes[p].turns.clear();
                classes[p].size = 0;
            }
            users.clear();
            size = 0;
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Messages queued in one class now. */
    public int depth(Priority priority) {
        lock.lock();
        try {
            return classes[priority.ordinal()].size;
        } finally {
            lock.unlock();
        }
    }

    /** Messages queued now. */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Messages of one class handed out expired since start. */
    public long expiredCount(Priority priority) {
        return expired[priority.ordinal()].sum();
    }

    /** Messages refused because the queue was full. */
    public long refusedFull() {
        return refusedFull.sum();
    }

    /** Messages refused because their user had too many queued. */
    public long refusedUserFull() {
        return refusedUserFull.sum();
    }
}
