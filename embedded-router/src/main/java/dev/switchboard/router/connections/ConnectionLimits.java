package dev.switchboard.router.connections;

/**
 * What one connection and one user may hold.
 *
 * @param outboxFrames frames a connection may have queued for sending before it is closed with 1013
 * @param outboxBytes  bytes a connection may have queued for sending before it is closed with 1013
 * @param perUser      connections one user may have open at once; the next handshake is refused
 * @param totalBytes   heap all connections' outboxes may hold together, payloads and the objects around
 *                     each waiting frame: over it, a connection holding an eighth of {@code outboxBytes}
 *                     or more is closed with 1013 at its next frame
 */
public record ConnectionLimits(int outboxFrames, long outboxBytes, int perUser, long totalBytes) {

    public ConnectionLimits {
        if (outboxFrames < 1 || outboxBytes < 1 || perUser < 1 || totalBytes < 1) {
            throw new IllegalArgumentException("outboxFrames, outboxBytes, perUser and totalBytes must be at least 1");
        }
    }

    /** No bound over all outboxes together. */
    public ConnectionLimits(int outboxFrames, long outboxBytes, int perUser) {
        this(outboxFrames, outboxBytes, perUser, Long.MAX_VALUE);
    }

    /** What a connection may hold before the bound over all outboxes can close it. */
    long shareOfTotal() {
        return Math.max(1, outboxBytes / 8);
    }
}
