package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A frame of the monitor feed, told apart by its {@code type}: a {@link MonitorSnapshot} or a
 * {@link MonitorUpdate}. Both carry the router's fresh aggregates. Listed in
 * {@code src/docs/protocol.md}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = MonitorSnapshot.class, name = MonitorSnapshot.TYPE),
        @JsonSubTypes.Type(value = MonitorUpdate.class, name = MonitorUpdate.TYPE)})
public sealed interface MonitorFrame permits MonitorSnapshot, MonitorUpdate {

    /** When the router built the frame. */
    Instant serverTime();

    /** Counts, rates, latency, queue depth. */
    Stats stats();

    /** Breakers, limits, queue policy, backends and rollout. */
    ProtectionState protection();
}
