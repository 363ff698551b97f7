package dev.switchboard.router.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * What one fuzzing property ran: frames, exceptions that escaped the pipeline, elapsed time, and
 * the heap in use after a full collection: before the run, after a warm-up of
 * {@value #WARM_UP_FRAMES} frames (by then jqwik has built its generators' edge-case tables, tens
 * of MiB, and the router its caches), every tenth of the run, and once the property has ended.
 * Growth is counted from the warm-up to the last sample taken during the run, while the same
 * generators are alive. Used from the property's thread only.
 */
final class FuzzTally {
    static final long WARM_UP_FRAMES = 1_000;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final List<Long> heapSamples = new ArrayList<>();
    private long frames;
    private long uncaught;
    private long sampleEvery = Long.MAX_VALUE;
    private long startedAt;
    private long elapsedNanos;
    private long heapBefore;
    private long heapAfterWarmUp = -1;
    private long heapAfter;

    void start(long plannedFrames) {
        sampleEvery = Math.max(WARM_UP_FRAMES, plannedFrames / 10);
        heapBefore = heapAfterGc();
        startedAt = System.nanoTime();
    }

    void finish() {
        elapsedNanos = System.nanoTime() - startedAt;
        heapAfter = heapAfterGc();
        if (heapAfterWarmUp < 0) {
            heapAfterWarmUp = heapAfter;
        }
    }

    /** Counts one frame, sampling the heap after the warm-up and every {@code sampleEvery} frames. */
    void frameRun() {
        frames++;
        if (frames == WARM_UP_FRAMES) {
            heapAfterWarmUp = heapAfterGc();
        }
        if (frames % sampleEvery == 0) {
            heapSamples.add(heapAfterGc());
        }
    }

    void uncaught() {
        uncaught++;
    }

    long frames() {
        return frames;
    }

    long uncaughtCount() {
        return uncaught;
    }

    /** Heap growth from the warm-up to the last sample of the run. */
    long heapGrowth() {
        return (heapSamples.isEmpty() ? heapAfter : heapSamples.get(heapSamples.size() - 1)) - heapAfterWarmUp;
    }

    String summary(String property) {
        List<String> samples = new ArrayList<>();
        heapSamples.forEach(bytes -> samples.add(mib(bytes)));
        double seconds = elapsedNanos / 1e9;
        return String.format("fuzz summary [%s]: frames run %,d; elapsed %.1f s (%,.0f frames/s);"
                        + " uncaught exceptions %d; heap used after GC: before %s, after the %,d-frame warm-up %s,"
                        + " every %,d frames %s (growth since warm-up %s), once the property ended %s",
                property, frames, seconds, frames / Math.max(seconds, 1e-9), uncaught, mib(heapBefore),
                WARM_UP_FRAMES, mib(heapAfterWarmUp), sampleEvery, samples, mib(heapGrowth()), mib(heapAfter));
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** Heap in use once a full collection has run (twice: the first may leave finalizable garbage). */
    static long heapAfterGc() {
        System.gc();
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
