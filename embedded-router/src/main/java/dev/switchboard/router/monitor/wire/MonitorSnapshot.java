package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * {@code monitor_snapshot}: the whole picture, sent when a monitor connects and as the result of
 * the {@code snapshot} command. Listed in {@code src/docs/protocol.md}.
 *
 * @param protocol     the monitor protocol's version (1)
 * @param serverTime   when it was built
 * @param stats        aggregates
 * @param protection   protection and rollout state
 * @param handlers     the message types some handler serves
 * @param connections  open client connections: all of them up to the monitor's
 *                     {@code snapshot_connections} (2,000 by default), else that many, the most
 *                     active first
 * @param connectionsTotal all open client connections (more than {@code connections} holds when
 *                     the list was cut; the {@code connections} command pages through them)
 * @param runsInFlight runs not ended yet
 * @param recentRuns   the last ended runs, oldest first
 * @param recentErrors the last errors sent to clients, oldest first
 * @param role         the monitor's role ({@code viewer}, {@code operator}); only in the first
 *                     snapshot on {@code /monitor}
 * @param userId       the monitor's user; only in the first snapshot on {@code /monitor}
 * @param nodeId       the node that sent it ({@code <host>-<port>} unless named)
 * @param clusterState {@code off}, {@code ok} or {@code degraded} (see {@link ClusterView})
 * @param members      the cluster's nodes, this one first; empty for a router alone
 * @param recentActions the last operator actions (carried out or refused), oldest first: what was
 *                     changed before this monitor attached
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MonitorSnapshot(int protocol, Instant serverTime, Stats stats, ProtectionState protection,
                              List<String> handlers, List<ConnectionSummary> connections, int connectionsTotal,
                              List<RunSummary> runsInFlight, List<RunSummary> recentRuns,
                              List<MonitorEvent.ErrorSent> recentErrors,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String role,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String userId,
                              String nodeId, String clusterState, List<ClusterNode> members,
                              List<MonitorEvent.OperatorAction> recentActions) implements MonitorFrame {
    /** The frame's {@code type}. */
    public static final String TYPE = "monitor_snapshot";
    /** The protocol version a router sends. */
    public static final int PROTOCOL = 1;

    public MonitorSnapshot {
        handlers = handlers == null ? List.of() : handlers;
        connections = connections == null ? List.of() : connections;
        connectionsTotal = Math.max(connectionsTotal, connections.size()); // a router that does not send it lists all
        runsInFlight = runsInFlight == null ? List.of() : runsInFlight;
        recentRuns = recentRuns == null ? List.of() : recentRuns;
        recentErrors = recentErrors == null ? List.of() : recentErrors;
        members = members == null ? List.of() : members;
        recentActions = recentActions == null ? List.of() : recentActions;
    }

    /** Whether {@code connections} holds only part of the open connections. */
    public boolean connectionsCut() {
        return connectionsTotal > connections.size();
    }

    /** This snapshot as sent to one monitor connection: with its role and user. */
    public MonitorSnapshot forMonitor(String monitorRole, String monitorUserId) {
        return new MonitorSnapshot(protocol, serverTime, stats, protection, handlers, connections, connectionsTotal,
                runsInFlight,
                recentRuns, recentErrors, monitorRole, monitorUserId, nodeId, clusterState, members, recentActions);
    }
}
