package dev.switchboard.router.monitor;

/**
 * What one {@code /monitor} connection may ask and hold.
 *
 * @param commandsPerSecond commands a monitor connection may send per second, sustained
 * @param commandBurst      commands it may send at once
 * @param outboxBytes       bytes queued to it before it is closed with 1013 (it does not read); a
 *                          first snapshot larger than this still goes out when nothing else is queued
 * @param perUser           monitor connections one token's user may hold at once
 */
public record MonitorLimits(int commandsPerSecond, int commandBurst, long outboxBytes, int perUser) {

    public MonitorLimits {
        if (commandsPerSecond < 1 || commandBurst < 1 || outboxBytes < 1024 || perUser < 1) {
            throw new IllegalArgumentException("monitor commandsPerSecond, commandBurst and perUser must be at least 1,"
                    + " outboxBytes at least 1024");
        }
    }

    /** 10 commands a second, bursts of 20, 16 MiB queued, 4 connections per user. */
    public static MonitorLimits defaults() {
        return new MonitorLimits(10, 20, 16L * 1024 * 1024, 4);
    }
}
