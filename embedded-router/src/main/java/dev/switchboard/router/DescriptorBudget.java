package dev.switchboard.router;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How the router's default socket limits follow from the process's open-files limit
 * ({@code ulimit -n}): a reserve stays free for everything that is not a client socket (the JVM's
 * own files, the HTTP endpoints, logs, agent backends), a fifth of the rest may be sockets still
 * handshaking (16 to 4,096), and the remainder may be connections. So sockets alone can never
 * exhaust the descriptors, and the listener keeps working under a flood.
 *
 * @param limit             the open-files limit it was derived from
 * @param reserve           descriptors kept free for everything else
 * @param pendingHandshakes sockets still handshaking at most
 * @param connections       open connections at most
 */
public record DescriptorBudget(long limit, long reserve, int pendingHandshakes, int connections) {
    /** Assumed where the limit cannot be read (not a Unix JVM). */
    static final long UNKNOWN_LIMIT = 65_536;

    /** The budget for a process allowed {@code limit} open files. */
    public static DescriptorBudget of(long limit) {
        long reserve = Math.max(64, limit / 10);
        long usable = Math.max(2, limit - reserve);
        int pending = (int) Math.max(1, Math.min(4_096, Math.max(16, usable / 5)));
        int connections = (int) Math.max(1, Math.min(Integer.MAX_VALUE, usable - pending));
        return new DescriptorBudget(limit, reserve, pending, connections);
    }

    /** This process's open-files limit (the soft one), or {@link #UNKNOWN_LIMIT} where it cannot be read. */
    public static long processLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            if (limit > 0) {
                return limit;
            }
        }
        return UNKNOWN_LIMIT;
    }
}
