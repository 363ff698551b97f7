package dev.switchboard.console.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the calling thread's time went, from Linux's {@code /proc/thread-self/schedstat}: on a core,
 * and runnable but waiting for one. What a timing spends in neither was spent blocked or asleep
 * (a collection's pause, a lock, the wait for the next pulse). Elsewhere the figures are absent.
 */
final class ThreadTime {
    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat");

    private ThreadTime() {
    }

    /** {nanoseconds on a core, nanoseconds waiting for one} so far, or null where Linux does not say. */
    static long[] now() {
        return read(SCHEDSTAT);
    }

    /** {nanoseconds on a core, nanoseconds waiting for one} from one thread's schedstat file, or null if unreadable. */
    static long[] read(Path schedstat) {
        try {
            String[] fields = Files.readString(schedstat).trim().split("\\s+");
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** " (this thread on a core 12.3 ms, waiting for one 45.6 ms)" since {@code before}, or "" where unknown. */
    static String since(long[] before) {
        long[] after = now();
        if (before == null || after == null) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, " (this thread on a core %.1f ms, waiting for one %.1f ms)",
                (after[0] - before[0]) / 1e6, (after[1] - before[1]) / 1e6);
    }
}
