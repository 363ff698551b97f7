package dev.switchboard.console.feed;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a feed delivers what it learns. Every method is called on a feed thread, never on the FX
 * thread, and must not block: the console's sink only puts things into bounded buffers and
 * latest-value slots that its 10 Hz tick drains.
 */
public interface FeedSink {

    /** A snapshot or update, with the node that sent it. */
    void frame(NodeFrame frame);

    /** The feed's connection state changed. */
    void status(FeedStatus status);

    /** The cluster's nodes changed (only a cluster's feed calls it; the latest wins). */
    default void cluster(ClusterPicture picture) {
    }

    /** A sink handing each kind to its consumer. */
    static FeedSink of(Consumer<NodeFrame> frames, Consumer<FeedStatus> statuses, Consumer<ClusterPicture> pictures) {
        Objects.requireNonNull(frames, "frames must not be null");
        Objects.requireNonNull(statuses, "statuses must not be null");
        Objects.requireNonNull(pictures, "pictures must not be null");
        return new FeedSink() {
            @Override
            public void frame(NodeFrame frame) {
                frames.accept(frame);
            }

            @Override
            public void status(FeedStatus status) {
                statuses.accept(status);
            }

            @Override
            public void cluster(ClusterPicture picture) {
                pictures.accept(picture);
            }
        };
    }
}
