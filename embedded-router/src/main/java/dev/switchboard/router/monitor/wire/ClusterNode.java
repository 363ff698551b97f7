package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One node of the cluster as a node sees it: an element of the snapshot's {@code members} and of
 * the {@code cluster_nodes} command's answer. Listed in {@code src/docs/protocol.md}.
 *
 * @param nodeId       the node's name
 * @param state        {@code up} (heartbeating) or {@code down} (silent for longer than the node TTL)
 * @param clientUrl    where clients connect to it ({@code ws://host:port/ws})
 * @param monitorUrl   its monitor endpoint ({@code ws://host:port/monitor})
 * @param httpUrl      its health and metrics endpoints ({@code http://host:port}), or null when off
 * @param connections  client connections it holds (as of its last heartbeat)
 * @param users        users it holds a connection of
 * @param runsInFlight agent runs it owns
 * @param startedAt    when it joined
 * @param heartbeatAt  its last heartbeat
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterNode(String nodeId, String state, String clientUrl, String monitorUrl, String httpUrl,
                          int connections, int users, int runsInFlight, Instant startedAt, Instant heartbeatAt) {
    public static final String UP = "up";
    public static final String DOWN = "down";

    /** This node with another state. */
    public ClusterNode withState(String newState) {
        return new ClusterNode(nodeId, newState, clientUrl, monitorUrl, httpUrl, connections, users, runsInFlight,
                startedAt, heartbeatAt);
    }
}
