package dev.switchboard.router.monitor;

/**
 * What the monitor may cost the router: per {@code /monitor} connection, and per update.
 *
 * @param commandsPerSecond   commands a monitor connection may send per second, sustained
 * @param commandBurst        commands it may send at once
 * @param outboxBytes         bytes queued to it before it is closed with 1013 (it does not read); a
 *                            first snapshot larger than this still goes out when nothing else is queued
 * @param perUser             monitor connections one token's user may hold at once
 * @param trafficPerUpdate    messages in and events out (other than runs') an update lists one by
 *                            one; the rest of that update's are counted by type in one
 *                            {@code coalesced} event
 * @param runsPerUpdate       runs first heard of in one update that are listed whole (start, every
 *                            event, end); the others are counted in {@code coalesced}
 * @param snapshotConnections connections a snapshot lists (the most active first); the rest are
 *                            counted in {@code connections_total} and paged with the
 *                            {@code connections} command
 */
public record MonitorLimits(int commandsPerSecond, int commandBurst, long outboxBytes, int perUser,
                            int trafficPerUpdate, int runsPerUpdate, int snapshotConnections) {

    public MonitorLimits {
        if (commandsPerSecond < 1 || commandBurst < 1 || outboxBytes < 1024 || perUser < 1) {
            throw new IllegalArgumentException("monitor commandsPerSecond, commandBurst and perUser must be at least 1,"
                    + " outboxBytes at least 1024");
        }
        if (trafficPerUpdate < 0 || runsPerUpdate < 0 || snapshotConnections < 0) {
            throw new IllegalArgumentException(
                    "monitor trafficPerUpdate, runsPerUpdate and snapshotConnections must not be negative");
        }
    }

    /** The connection limits, with the default traffic per update and connections per snapshot. */
    public MonitorLimits(int commandsPerSecond, int commandBurst, long outboxBytes, int perUser) {
        this(commandsPerSecond, commandBurst, outboxBytes, perUser, DEFAULT_TRAFFIC_PER_UPDATE,
                DEFAULT_RUNS_PER_UPDATE, DEFAULT_SNAPSHOT_CONNECTIONS);
    }

    /** Messages and events an update lists one by one unless configured: 100 a second at 10 updates a second. */
    public static final int DEFAULT_TRAFFIC_PER_UPDATE = 10;
    /** New runs an update lists whole unless configured: 20 a second at 10 updates a second. */
    public static final int DEFAULT_RUNS_PER_UPDATE = 2;
    /** Connections a snapshot lists unless configured. */
    public static final int DEFAULT_SNAPSHOT_CONNECTIONS = 2_000;

    /**
     * 10 commands a second, bursts of 20, 16 MiB queued, 4 connections per user; 10 messages and 2
     * new runs listed per update, 2,000 connections per snapshot.
     */
    public static MonitorLimits defaults() {
        return new MonitorLimits(10, 20, 16L * 1024 * 1024, 4);
    }
}
