package dev.switchboard.router;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How the router's default socket limits follow from the process's open-files limit
 * ({@code ulimit -n}): a reserve stays free for everything that is not a client socket (what is open
 * when the router is configured, plus a tenth of the limit, at least 64, plus four descriptors per I/O
 * thread for its selector), a fifth of the
 * rest may be sockets still handshaking (16 to 4,096, and no more than a quarter of the heap at
 * 64 KiB each, what a handshake can make the router hold), and the remainder may be connections.
 * So sockets alone can never exhaust the descriptors, and the listener keeps working under a flood.
 *
 * @param limit             the open-files limit it was derived from
 * @param reserve           descriptors kept free for everything else
 * @param pendingHandshakes sockets still handshaking at most
 * @param connections       open connections at most
 */
public record DescriptorBudget(long limit, long reserve, int pendingHandshakes, int connections) {
    /** Assumed where the limit cannot be read (not a Unix JVM). */
    static final long UNKNOWN_LIMIT = 65_536;

    /** Heap a socket still handshaking may cost at most (head bytes and the decoder's objects). */
    static final long HEAP_PER_HANDSHAKE = 64 * 1024;

    /**
     * The budget for a process allowed {@code limit} open files, {@code inUse} of them open already,
     * with as many I/O threads and that much heap.
     */
    public static DescriptorBudget of(long limit, long inUse, int ioThreads, long maxHeap) {
        long reserve = inUse + Math.max(64, limit / 10) + 4L * (ioThreads + 2);
        long usable = Math.max(2, limit - reserve);
        long heapBound = Math.max(16, maxHeap / 4 / HEAP_PER_HANDSHAKE);
        int pending = (int) Math.max(1, Math.min(Math.min(4_096, heapBound), Math.max(16, usable / 5)));
        int connections = (int) Math.max(1, Math.min(Integer.MAX_VALUE, usable - pending));
        return new DescriptorBudget(limit, reserve, pending, connections);
    }

    /** Descriptors this process has open now, or 0 where that cannot be read. */
    public static long processInUse() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return Math.max(0, unix.getOpenFileDescriptorCount());
        }
        return 0;
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
