package dev.switchboard.router.monitor;

/**
 * What one {@code /monitor} connection may ask and hold.
 *
 * @param commandsPerSecond commands a monitor connection may send per second, sustained
 * @param commandBurst      commands it may send at once
 * @param outboxBytes       bytes queued to it before it is closed with 1013 (it does not read)
 */
public record MonitorLimits(int commandsPerSecond, int commandBurst, long outboxBytes) {

    public MonitorLimits {
        if (commandsPerSecond < 1 || commandBurst < 1 || outboxBytes < 1024) {
            throw new IllegalArgumentException(
                    "monitor commandsPerSecond and commandBurst must be at least 1, outboxBytes at least 1024");
        }
    }

    /** 10 commands a second, bursts of 20, 16 MiB queued. */
    public static MonitorLimits defaults() {
        return new MonitorLimits(10, 20, 16L * 1024 * 1024);
    }
}
