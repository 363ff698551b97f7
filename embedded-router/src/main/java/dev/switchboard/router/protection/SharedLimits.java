package dev.switchboard.router.protection;

import java.util.concurrent.CompletionStage;

/**
 * Per-user token buckets shared by every node of a cluster, so a user cannot multiply its limit by
 * spreading connections over nodes. Asked after the node's own buckets admitted a message, and never
 * waited on: the answer arrives later, on another thread.
 */
public interface SharedLimits {

    /** Whether the shared buckets can be asked now; when not, the node's own buckets decide alone. */
    boolean available();

    /**
     * Takes one token from the shared bucket {@code key}, created with {@code limit} when missing.
     *
     * @return the wait in milliseconds before a token is back, 0 when one was taken; completes
     *         exceptionally when the shared buckets could not answer in time
     */
    CompletionStage<Long> take(String key, RateLimit limit);
}
