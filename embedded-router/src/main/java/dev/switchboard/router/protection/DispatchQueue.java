package dev.switchboard.router.protection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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

    private static final class ClassQueue<T> {
        final Map<String, ArrayDeque<Entry<T>>> byUser = new LinkedHashMap<>();
        final ArrayDeque<String> turns = new ArrayDeque<>();
        final Set<String> waiting = new HashSet<>();
        int size;
    }

    private QueuePolicy policy;
    private final LongSupplier nanoTime;
    private final EnumMap<Priority, ClassQueue<T>> classes = new EnumMap<>(Priority.class);
    private final EnumMap<Priority, Long> ttlNanos = new EnumMap<>(Priority.class);
    private final Map<String, Integer> queuedByUser = new HashMap<>();
    /** Users an operator gave a smaller per-user room, by user (under the lock). */
    private final Map<String, Integer> perUserOverrides = new HashMap<>();
    private final Set<String> busy = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final EnumMap<Priority, LongAdder> expired = new EnumMap<>(Priority.class);
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
        for (Priority priority : Priority.values()) {
            classes.put(priority, new ClassQueue<>());
            ttlNanos.put(priority, policy.ttl().get(priority).toNanos());
            expired.put(priority, new LongAdder());
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
            for (Priority priority : Priority.values()) {
                ttlNanos.put(priority, replacement.ttl().get(priority).toNanos());
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
            int mine = queuedByUser.getOrDefault(userId, 0);
            // a squeeze never gives more room than the policy
            int room = perUserOverrides.isEmpty() ? policy.perUser()
                    : Math.min(policy.perUser(), perUserOverrides.getOrDefault(userId, policy.perUser()));
            if (mine >= room) {
                refusedUserFull.increment();
                return Offer.USER_FULL;
            }
            queuedByUser.put(userId, mine + 1);
            ClassQueue<T> queue = classes.get(priority);
            queue.byUser.computeIfAbsent(userId, u -> new ArrayDeque<>()).add(new Entry<>(value, nanoTime.getAsLong()));
            queue.size++;
            size++;
            if (!busy.contains(userId) && queue.waiting.add(userId)) {
                queue.turns.add(userId);
                available.signal();
            }
            return Offer.QUEUED;
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
        for (Priority priority : Priority.values()) {
            ClassQueue<T> queue = classes.get(priority);
            for (String user = queue.turns.poll(); user != null; user = queue.turns.poll()) {
                queue.waiting.remove(user);
                if (busy.contains(user)) {
                    continue;
                }
                ArrayDeque<Entry<T>> entries = queue.byUser.get(user);
                Entry<T> entry = entries.poll();
                if (entries.isEmpty()) {
                    queue.byUser.remove(user);
                }
                queue.size--;
                size--;
                queuedByUser.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
                busy.add(user);
                long waited = nanoTime.getAsLong() - entry.enqueuedAt();
                boolean late = waited > ttlNanos.get(priority);
                if (late) {
                    expired.get(priority).increment();
                }
                return new Taken<>(entry.value(), user, priority, waited, late);
            }
        }
        return null;
    }

    /** Releases {@code userId}'s next message, if any, to the workers. */
    public void done(String userId) {
        lock.lock();
        try {
            busy.remove(userId);
            boolean any = false;
            for (ClassQueue<T> queue : classes.values()) {
                if (queue.byUser.containsKey(userId) && queue.waiting.add(userId)) {
                    queue.turns.add(userId);
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

    /** Removes and returns everything still queued (after {@link #close}), oldest class first. */
    public List<T> drain() {
        lock.lock();
        try {
            List<T> left = new ArrayList<>(size);
            for (ClassQueue<T> queue : classes.values()) {
                queue.byUser.values().forEach(entries -> entries.forEach(entry -> left.add(entry.value())));
                queue.byUser.clear();
                queue.turns.clear();
                queue.waiting.clear();
                queue.size = 0;
            }
            size = 0;
            queuedByUser.clear();
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** Messages queued in one class now. */
    public int depth(Priority priority) {
        lock.lock();
        try {
            return classes.get(priority).size;
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
        return expired.get(priority).sum();
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
