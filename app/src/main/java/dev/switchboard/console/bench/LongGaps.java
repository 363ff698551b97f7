package dev.switchboard.console.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the FX thread's long frame gaps went, from Linux's per-thread {@code schedstat}: for each gap
 * over a threshold, how long within it the FX thread, JavaFX's renderer and the collector's thread were
 * each on a core and runnable but waiting for one. The three run side by side on two cores, so their
 * shares of a gap may add up to more than it. Called on the FX thread at every pulse; where Linux does
 * not say (another system), it counts the gaps only.
 */
final class LongGaps {
    /** The thread names as Linux keeps them (the first 15 characters of the JVM's names). */
    private static final String RENDERER = "QuantumRenderer";
    private static final String COLLECTOR = "VM Thread";
    private static final int FX = 0;
    private static final int GC = 2;

    private final long thresholdNanos;
    /** Per thread (FX, renderer, collector): its schedstat files, kept open; empty where none was found. */
    private final List<List<ThreadTime.Open>> stats;
    /** Per thread: {on a core, waiting for one} at the last pulse; a thread's row is null if unread. */
    private long[][] last;
    private long gaps;
    private long gapNanos;
    /** Per thread: {on a core, waiting for one}, summed over the long gaps. */
    private final long[][] within = new long[3][2];

    /** Made on the FX thread (its own schedstat is the calling thread's). */
    LongGaps(long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
        this.stats = List.of(open(List.of(Path.of("/proc/thread-self/schedstat"))), open(statsOf(RENDERER)),
                open(statsOf(COLLECTOR)));
    }

    /** At each pulse, with the gap since the one before (0 at the first). */
    void pulse(long gap) {
        long[][] now = new long[3][];
        for (int thread = FX; thread <= GC; thread++) {
            now[thread] = sum(stats.get(thread));
        }
        if (gap > thresholdNanos) {
            gaps++;
            gapNanos += gap;
            for (int thread = FX; thread <= GC; thread++) {
                if (last != null && last[thread] != null && now[thread] != null) {
                    within[thread][0] += now[thread][0] - last[thread][0];
                    within[thread][1] += now[thread][1] - last[thread][1];
                }
            }
        }
        last = now;
    }

    /** One line: how many gaps, and each thread's time within them. */
    String summary() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d gaps over %.0f ms, %.0f ms in all",
                gaps, thresholdNanos / 1e6, gapNanos / 1e6));
        if (gaps == 0 || last == null || last[FX] == null) {
            return line.toString();
        }
        String[] names = {"the FX thread", "the renderer (" + stats.get(1).size() + " threads)",
                "the collector's thread"};
        for (int thread = FX; thread <= GC; thread++) {
            if (stats.get(thread).isEmpty()) {
                line.append("; ").append(names[thread]).append(": no such thread found");
                continue;
            }
            line.append(String.format(Locale.ROOT, "; %s on a core %.0f ms (%.0f%%), waiting for one %.0f ms (%.0f%%)",
                    names[thread], within[thread][0] / 1e6, 100.0 * within[thread][0] / gapNanos,
                    within[thread][1] / 1e6, 100.0 * within[thread][1] / gapNanos));
        }
        return line.toString();
    }

    /**
     * This process's threads with the most time on a core so far, by name (threads of one name summed):
     * "name on a core 12.3 s, waiting for one 4.5 s", the {@code top} busiest first.
     */
    static List<String> busiestThreads(int top) {
        java.util.Map<String, long[]> byName = new java.util.HashMap<>();
        threads().forEach((schedstat, name) -> {
            long[] time = ThreadTime.read(schedstat);
            if (time != null) {
                long[] total = byName.computeIfAbsent(name, any -> new long[2]);
                total[0] += time[0];
                total[1] += time[1];
            }
        });
        return byName.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .limit(top)
                .map(entry -> String.format(Locale.ROOT, "%s on a core %.1f s, waiting for one %.1f s",
                        entry.getKey(), entry.getValue()[0] / 1e9, entry.getValue()[1] / 1e9))
                .toList();
    }

    /** The schedstat files of this process's threads called {@code name}. */
    private static List<Path> statsOf(String name) {
        List<Path> found = new ArrayList<>();
        threads().forEach((schedstat, threadName) -> {
            if (threadName.equals(name)) {
                found.add(schedstat);
            }
        });
        return found;
    }

    /** This process's living threads: each one's schedstat file and its name, or none where Linux does not say. */
    private static java.util.Map<Path, String> threads() {
        java.util.Map<Path, String> threads = new java.util.HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                threads.put(task.resolve("schedstat"), Files.readString(task.resolve("comm")).trim());
            }
        } catch (IOException | RuntimeException e) {
            return java.util.Map.of();
        }
        return threads;
    }

    /** Closes the schedstat files kept open. */
    void close() {
        stats.forEach(files -> files.forEach(file -> {
            try {
                file.close();
            } catch (IOException e) {
                // a file under /proc: nothing was written, nothing is lost
            }
        }));
    }

    /** The files opened, those that could be; none where Linux does not say. */
    private static List<ThreadTime.Open> open(List<Path> schedstats) {
        List<ThreadTime.Open> opened = new ArrayList<>();
        for (Path schedstat : schedstats) {
            try {
                opened.add(new ThreadTime.Open(schedstat));
            } catch (IOException | RuntimeException e) {
                // not Linux, or the thread has ended: counted as not found
            }
        }
        return opened;
    }

    /** {on a core, waiting for one} summed over the threads' files, or null where there are none or one cannot be read. */
    private static long[] sum(List<ThreadTime.Open> files) {
        if (files.isEmpty()) {
            return null;
        }
        long[] total = new long[2];
        for (ThreadTime.Open file : files) {
            if (!file.into(total)) {
                return null;
            }
        }
        return total;
    }
}
