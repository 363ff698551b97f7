package dev.switchboard.console.feed;

import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.util.Objects;

/**
 * A monitor frame and the cluster node that sent it.
 *
 * @param nodeId the node's id, or null for a router alone (and a saved session)
 * @param frame  the frame; a cluster's feed hands it on with the cluster's totals as its stats
 */
public record NodeFrame(String nodeId, MonitorFrame frame) {

    public NodeFrame {
        Objects.requireNonNull(frame, "frame must not be null");
    }

    /** A frame of a router alone. */
    public static NodeFrame alone(MonitorFrame frame) {
        return new NodeFrame(null, frame);
    }
}
