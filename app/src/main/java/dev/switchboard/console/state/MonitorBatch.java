package dev.switchboard.console.state;

import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.util.List;

/**
 * What one tick of {@link ConsoleState} hands to each feature's view model: the frames that came
 * since the previous tick, oldest first (maybe none), and the console's clock at the tick.
 *
 * @param frames    snapshots and updates, already read into records
 * @param nowMillis the console's clock when the tick ran
 */
public record MonitorBatch(List<MonitorFrame> frames, long nowMillis) {

    public MonitorBatch {
        frames = List.copyOf(frames);
    }

    /** The last frame of the batch, or null when it has none: its aggregates are the freshest. */
    public MonitorFrame latest() {
        return frames.isEmpty() ? null : frames.get(frames.size() - 1);
    }

    /** A feature's view model: applies each batch on the FX thread, with one change per list. */
    @FunctionalInterface
    public interface Listener {
        void apply(MonitorBatch batch);
    }
}
