package dev.switchboard.router.fuzz;

import java.util.Optional;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Around a fuzzing property: takes its number of tries from {@code -Dfuzz.tries} when given (the
 * {@code fuzz-long} profile sets a million), prints a summary when it ends (frames, time,
 * uncaught exceptions, heap after GC before and after) and fails it when the heap grew past
 * {@link #MAX_HEAP_GROWTH}: the router's per-user state, statistics and run bookkeeping must stay
 * bounded however many frames go through.
 */
final class FuzzRun implements AroundPropertyHook {
    /** The system property that overrides a property's {@code tries}. */
    static final String TRIES = "fuzz.tries";
    /** Heap growth allowed from the warm-up to the end of a run: 17 bytes a frame over a million trips it. */
    static final long MAX_HEAP_GROWTH = 16L * 1024 * 1024;

    /** A test class whose properties this hook reports on. */
    interface Tallied {
        FuzzTally tally();
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Optional<Integer> override = Optional.ofNullable(System.getProperty(TRIES)).filter(s -> !s.isBlank())
                .map(Integer::valueOf);
        override.ifPresent(tries -> {
            context.attributes().setTries(tries);
            // the default run mixes in edge cases; at a million tries jqwik would hold as many of
            // them (hundreds of MiB) and hide the router's heap behind its own
            context.attributes().setEdgeCases(EdgeCasesMode.NONE);
        });
        int tries = override.orElse(context.attributes().tries().orElse(1_000));
        FuzzTally tally = ((Tallied) context.testInstance()).tally();
        tally.start(tries);
        PropertyExecutionResult result = property.execute();
        tally.finish();
        System.out.println(tally.summary(context.label()));
        if (result.status() != PropertyExecutionResult.Status.SUCCESSFUL) {
            return result;
        }
        if (tally.uncaughtCount() > 0) {
            return result.mapToFailed(tally.uncaughtCount() + " exceptions escaped the pipeline");
        }
        if (tally.heapGrowth() > MAX_HEAP_GROWTH) {
            return result.mapToFailed("the heap grew by " + FuzzTally.mib(tally.heapGrowth()) + " over "
                    + tally.frames() + " frames, more than " + FuzzTally.mib(MAX_HEAP_GROWTH));
        }
        return result;
    }
}
