package dev.switchboard.router.cluster;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of where other nodes' users are: user → the other nodes holding a connection of
 * that user. Kept fresh by the presence channel and reloaded from Redis now and then; what changed
 * while a reload was under way is kept over what the reload read (it is newer).
 */
final class RemotePresence {
    private final Map<String, Set<String>> nodesByUser = new ConcurrentHashMap<>();
    /** When each user's entry last changed from the presence channel ({@link System#nanoTime()}). */
    private final Map<String, Long> changedAt = new ConcurrentHashMap<>();

    /** The other nodes holding {@code userId} (empty when none). */
    Set<String> nodesOf(String userId) {
        return nodesByUser.getOrDefault(userId, Set.of());
    }

    void joined(String userId, String nodeId) {
        changedAt.put(userId, System.nanoTime());
        nodesByUser.compute(userId, (user, nodes) -> {
            Set<String> next = nodes == null ? new HashSet<>() : new HashSet<>(nodes);
            next.add(nodeId);
            return Set.copyOf(next);
        });
    }

    void left(String userId, String nodeId) {
        changedAt.put(userId, System.nanoTime());
        nodesByUser.computeIfPresent(userId, (user, nodes) -> {
            Set<String> next = new HashSet<>(nodes);
            next.remove(nodeId);
            return next.isEmpty() ? null : Set.copyOf(next);
        });
    }

    /** Forgets a node and all its users (it is gone). */
    void dropNode(String nodeId) {
        for (String userId : nodesByUser.keySet()) {
            left(userId, nodeId);
        }
    }

    /**
     * Replaces the whole picture with one read from Redis, except for users whose entry changed after
     * {@code readSince} (a {@link System#nanoTime()} taken before the read began).
     */
    void reload(Map<String, Set<String>> read, long readSince) {
        for (String userId : nodesByUser.keySet()) {
            if (!read.containsKey(userId) && !changedSince(userId, readSince)) {
                nodesByUser.remove(userId);
            }
        }
        read.forEach((userId, nodes) -> {
            if (!changedSince(userId, readSince)) {
                nodesByUser.put(userId, Set.copyOf(nodes));
            }
        });
        changedAt.values().removeIf(at -> at - readSince < 0);
    }

    private boolean changedSince(String userId, long since) {
        Long at = changedAt.get(userId);
        return at != null && at - since >= 0;
    }

    /** The users held by other nodes now (a live view). */
    Set<String> userIds() {
        return nodesByUser.keySet();
    }

    /** Users held by other nodes now. */
    int users() {
        return nodesByUser.size();
    }
}
