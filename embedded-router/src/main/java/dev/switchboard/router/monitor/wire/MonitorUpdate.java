package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * {@code monitor_update}: fresh aggregates and the events since the previous update, at most 10 a
 * second. Listed in {@code src/docs/protocol.md}.
 *
 * @param seq        the update's number, counted by the router across all monitors
 * @param serverTime when it was built
 * @param stats      aggregates
 * @param protection protection and rollout state
 * @param events     what happened since the previous update, oldest first
 * @param dropped    events this monitor lost since the previous update (its buffer overflowed, or
 *                   it did not read and updates were skipped)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MonitorUpdate(long seq, Instant serverTime, Stats stats, ProtectionState protection,
                            List<MonitorEvent> events, long dropped) implements MonitorFrame {
    /** The frame's {@code type}. */
    public static final String TYPE = "monitor_update";

    public MonitorUpdate {
        events = events == null ? List.of() : events;
    }

    /** The same update with another {@code dropped}. */
    public MonitorUpdate withDropped(long count) {
        return new MonitorUpdate(seq, serverTime, stats, protection, events, count);
    }
}
