package dev.switchboard.router.connections;

/**
 * What one connection and one user may hold.
 *
 * @param outboxFrames frames a connection may have queued for sending before it is closed with 1013
 * @param outboxBytes  bytes a connection may have queued for sending before it is closed with 1013
 * @param perUser      connections one user may have open at once; the next handshake is refused
 */
public record ConnectionLimits(int outboxFrames, long outboxBytes, int perUser) {

    public ConnectionLimits {
        if (outboxFrames < 1 || outboxBytes < 1 || perUser < 1) {
            throw new IllegalArgumentException("outboxFrames, outboxBytes and perUser must be at least 1");
        }
    }
}
