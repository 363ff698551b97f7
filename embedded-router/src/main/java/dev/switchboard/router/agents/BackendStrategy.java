package dev.switchboard.router.agents;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks one backend among the healthy ones for a run. Implementations are thread-safe and do not
 * block.
 */
public interface BackendStrategy {

    /**
     * @param healthy the healthy backends, never empty, in configuration order
     * @param all     every backend of the pool, healthy or not (for strategies that need stable positions)
     * @param userId  the run's user
     */
    AgentBackend choose(List<AgentBackend> healthy, List<AgentBackend> all, String userId);

    /** The strategy's configuration name. */
    String name();

    /** {@code round_robin}, {@code weighted}, {@code least_loaded} or {@code user_sticky}. */
    static BackendStrategy named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "round_robin":
                return new RoundRobin();
            case "weighted":
                return new Weighted();
            case "least_loaded":
                return new LeastLoaded();
            case "user_sticky":
                return new UserSticky();
            default:
                throw new IllegalArgumentException(
                        "strategy must be round_robin, weighted, least_loaded or user_sticky, not " + name);
        }
    }

    /** Each healthy backend in turn. */
    final class RoundRobin implements BackendStrategy {
        private final AtomicLong next = new AtomicLong();

        @Override
        public AgentBackend choose(List<AgentBackend> healthy, List<AgentBackend> all, String userId) {
            return healthy.get((int) Math.floorMod(next.getAndIncrement(), (long) healthy.size()));
        }

        @Override
        public String name() {
            return "round_robin";
        }
    }

    /** Healthy backends in proportion to their weights (a deterministic cycle, not a dice roll). */
    final class Weighted implements BackendStrategy {
        private final AtomicLong next = new AtomicLong();

        @Override
        public AgentBackend choose(List<AgentBackend> healthy, List<AgentBackend> all, String userId) {
            int total = 0;
            for (AgentBackend backend : healthy) {
                total += backend.weight();
            }
            long slot = Math.floorMod(next.getAndIncrement(), (long) total);
            for (AgentBackend backend : healthy) {
                slot -= backend.weight();
                if (slot < 0) {
                    return backend;
                }
            }
            return healthy.get(healthy.size() - 1);
        }

        @Override
        public String name() {
            return "weighted";
        }
    }

    /**
     * The backend with the fewest runs in flight, weighed by its latency relative to the fastest
     * (a backend twice as slow counts each run twice).
     */
    final class LeastLoaded implements BackendStrategy {
        @Override
        public AgentBackend choose(List<AgentBackend> healthy, List<AgentBackend> all, String userId) {
            double fastest = Double.MAX_VALUE;
            for (AgentBackend backend : healthy) {
                if (backend.averageLatencyMs() > 0) {
                    fastest = Math.min(fastest, backend.averageLatencyMs());
                }
            }
            AgentBackend best = null;
            double bestScore = Double.MAX_VALUE;
            for (AgentBackend backend : healthy) {
                double factor = backend.averageLatencyMs() > 0 && fastest < Double.MAX_VALUE
                        ? backend.averageLatencyMs() / fastest : 1.0;
                double score = (backend.inFlight() + 1) * factor;
                if (score < bestScore) {
                    bestScore = score;
                    best = backend;
                }
            }
            return best;
        }

        @Override
        public String name() {
            return "least_loaded";
        }
    }

    /**
     * Consistent hashing of the user id over a ring of every backend (64 points each): a user stays
     * on one backend; when it is unhealthy, the next healthy point on the ring serves, and only
     * that backend's users move.
     */
    final class UserSticky implements BackendStrategy {
        private static final int POINTS = 64;
        private volatile Ring ring = new Ring(List.of(), new TreeMap<>());

        private record Ring(List<AgentBackend> backends, TreeMap<Integer, AgentBackend> points) {
        }

        @Override
        public AgentBackend choose(List<AgentBackend> healthy, List<AgentBackend> all, String userId) {
            Ring current = ring(all);
            int hash = hash(userId);
            for (AgentBackend backend : current.points().tailMap(hash).values()) {
                if (healthy.contains(backend)) {
                    return backend;
                }
            }
            for (AgentBackend backend : current.points().values()) {
                if (healthy.contains(backend)) {
                    return backend;
                }
            }
            return healthy.get(0);
        }

        /**
         * The backend owning the user's position on the ring of {@code all}, healthy or not: the one
         * {@link #choose} picks while it is healthy and offered.
         */
        public AgentBackend home(List<AgentBackend> all, String userId) {
            TreeMap<Integer, AgentBackend> points = ring(all).points();
            Map.Entry<Integer, AgentBackend> owner = points.ceilingEntry(hash(userId));
            return (owner != null ? owner : points.firstEntry()).getValue(); // the ring wraps around
        }

        /** The user's position on the ring. */
        public static int hash(String userId) {
            return mix(userId.hashCode());
        }

        private Ring ring(List<AgentBackend> all) {
            Ring current = ring;
            if (!current.backends().equals(all)) {
                TreeMap<Integer, AgentBackend> points = new TreeMap<>();
                for (AgentBackend backend : all) {
                    for (int i = 0; i < POINTS; i++) {
                        points.put(mix((backend.name() + "#" + i).hashCode()), backend);
                    }
                }
                current = new Ring(List.copyOf(all), points);
                ring = current;
            }
            return current;
        }

        /** Spreads String.hashCode bits (murmur3 finaliser). */
        static int mix(int h) {
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            h *= 0xc2b2ae35;
            h ^= h >>> 16;
            return h;
        }

        @Override
        public String name() {
            return "user_sticky";
        }
    }
}
