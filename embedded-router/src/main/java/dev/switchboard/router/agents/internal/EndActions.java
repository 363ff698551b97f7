package dev.switchboard.router.agents.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Actions to run once when a run ends: each runs exactly once, whether it was added before the end
 * (run by {@link #runAll}) or after it (run at once), even when the two race.
 */
final class EndActions {
    private final List<Runnable> actions = new CopyOnWriteArrayList<>();

    void add(Runnable action, BooleanSupplier ended) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        };
        actions.add(once);
        if (ended.getAsBoolean()) {
            once.run();
        }
    }

    void runAll() {
        actions.forEach(Runnable::run);
    }
}
