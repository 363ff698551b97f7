package dev.switchboard.router;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

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

    /**
     * Descriptors this process has open now, plus the class path's jars it has not opened yet: the JVM
     * opens a jar the first time it loads a class from it and keeps it open, so on a long class path
     * (an embedding application, a test run) those descriptors are taken later, perhaps during a flood.
     * 0 where the count cannot be read.
     */
    public static long processInUse() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return Math.max(0, unix.getOpenFileDescriptorCount()) + unopenedJars(System.getProperty("java.class.path", ""));
        }
        return 0;
    }

    /** Jars on {@code classPath} that no descriptor of this process points to yet (all of them without /proc). */
    static long unopenedJars(String classPath) {
        Set<Path> open = new HashSet<>();
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors) {
                try {
                    open.add(Files.readSymbolicLink(descriptor).normalize());
                } catch (IOException | UnsupportedOperationException gone) {
                    // closed while listed, or not a link
                }
            }
        } catch (IOException | UnsupportedOperationException noProc) {
            // not Linux: count every jar
        }
        long unopened = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                Path jar = Path.of(entry).toAbsolutePath().normalize();
                if (Files.isRegularFile(jar) && !open.contains(jar)) {
                    unopened++;
                }
            }
        }
        return unopened;
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
