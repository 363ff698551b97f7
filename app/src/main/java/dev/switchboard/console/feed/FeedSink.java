package dev.switchboard.console.feed;

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
}
