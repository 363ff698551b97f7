package dev.switchboard.console.state;

import dev.switchboard.console.feed.ClusterPicture;
import dev.switchboard.console.feed.NodeFrame;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.util.List;

/**
 * What one tick of {@link ConsoleState} hands to each feature's view model: the frames that came
 * since the previous tick, oldest first (maybe none), each with the cluster node that sent it, the
 * cluster's latest node table when it changed, and the console's clock at the tick.
 *
 * @param nodeFrames snapshots and updates, already read into records, with their nodes
 * @param cluster    the cluster's nodes as of this tick when they changed since the last one, else
 *                   null (always null for a router alone)
 * @param nowMillis  the console's clock when the tick ran
 */
public record MonitorBatch(List<NodeFrame> nodeFrames, ClusterPicture cluster, long nowMillis) {

    public MonitorBatch {
        nodeFrames = List.copyOf(nodeFrames);
    }

    /** A batch of a router alone's frames. */
    public MonitorBatch(List<MonitorFrame> frames, long nowMillis) {
        this(frames.stream().map(NodeFrame::alone).toList(), null, nowMillis);
    }

    /** The frames without their nodes, oldest first. */
    public List<MonitorFrame> frames() {
        return nodeFrames.stream().map(NodeFrame::frame).toList();
    }

    /** The last frame of the batch, or null when it has none: its aggregates are the freshest. */
    public MonitorFrame latest() {
        return nodeFrames.isEmpty() ? null : nodeFrames.get(nodeFrames.size() - 1).frame();
    }

    /** A feature's view model: applies each batch on the FX thread, with one change per list. */
    @FunctionalInterface
    public interface Listener {
        void apply(MonitorBatch batch);
    }
}
