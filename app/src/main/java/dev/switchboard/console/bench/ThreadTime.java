package dev.switchboard.console.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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

    /**
     * One thread's schedstat file, kept open and read again from its start at each {@link #into}: one
     * {@code pread} into a buffer it keeps, where {@link #read} opens, reads and closes the file each
     * time (at every pulse of the FX thread, a sixth of its samples in a profile).
     */
    static final class Open implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(96);

        /** Opens {@code schedstat}; {@code /proc/thread-self/schedstat} is the opening thread's for good. */
        Open(Path schedstat) throws IOException {
            this.channel = FileChannel.open(schedstat, StandardOpenOption.READ);
        }

        /** Adds {on a core, waiting for one} so far to {@code total}; false if the file cannot be read. */
        boolean into(long[] total) {
            try {
                buffer.clear();
                channel.read(buffer, 0);
                int at = 0;
                for (int field = 0; field < 2; field++) {
                    long value = 0;
                    for (; at < buffer.position() && buffer.get(at) >= '0' && buffer.get(at) <= '9'; at++) {
                        value = value * 10 + buffer.get(at) - '0';
                    }
                    if (at == buffer.position()) {
                        return false; // the thread has ended, or the line is not what Linux writes
                    }
                    total[field] += value;
                    at++;
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
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
