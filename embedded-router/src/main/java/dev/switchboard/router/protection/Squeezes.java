package dev.switchboard.router.protection;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Users an operator squeezed: less room in the dispatch queue (their messages refused with
 * {@code overloaded} sooner) or a smaller outbox per connection (their connections closed with 1013
 * sooner), to watch the protections work on one user while everyone else goes on.
 */
public final class Squeezes {

    /**
     * One user's squeeze.
     *
     * @param queuePerUser messages the user may have queued, or null for the policy's
     * @param outboxFrames frames each of its connections may have unsent, or null for the configured bound
     * @param expiresAt    when it is lifted by itself
     * @param by           who set it (the subject of the operator's token)
     */
    public record Squeeze(Integer queuePerUser, Integer outboxFrames, Instant expiresAt, String by) {
    }

    private final Map<String, Squeeze> byUser = new HashMap<>();
    private final BiConsumer<String, Integer> queue;
    private final BiConsumer<String, Integer> outbox;

    /**
     * @param queue  gives a user its queue room (null: the policy's)
     * @param outbox gives a user's connections their outbox bound (null: the configured one)
     */
    public Squeezes(BiConsumer<String, Integer> queue, BiConsumer<String, Integer> outbox) {
        this.queue = Objects.requireNonNull(queue, "queue must not be null");
        this.outbox = Objects.requireNonNull(outbox, "outbox must not be null");
    }

    /** Squeezes {@code userId} (replacing an earlier squeeze), or lifts its squeeze (null). */
    public synchronized void set(String userId, Squeeze squeeze) {
        if (squeeze == null) {
            byUser.remove(userId);
        } else {
            byUser.put(userId, squeeze);
        }
        queue.accept(userId, squeeze == null ? null : squeeze.queuePerUser());
        outbox.accept(userId, squeeze == null ? null : squeeze.outboxFrames());
    }

    /** Lifts {@code expected} if it still holds {@code userId} (a later squeeze replaced it otherwise). */
    public synchronized boolean lift(String userId, Squeeze expected) {
        if (!byUser.remove(userId, expected)) {
            return false;
        }
        queue.accept(userId, null);
        outbox.accept(userId, null);
        return true;
    }

    /** Every squeezed user's squeeze, by user. */
    public synchronized Map<String, Squeeze> all() {
        return new TreeMap<>(byUser);
    }
}
