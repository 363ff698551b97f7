package dev.switchboard.router;

import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.connections.ConnectionInfo;
import dev.switchboard.router.connections.ConnectionListener;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.protection.Protection;
import dev.switchboard.router.quality.QualityTracker;
import dev.switchboard.router.routing.RoutingStats;
import java.util.function.Consumer;

/**
 * What a connection leaves behind when it closes: its runs are cancelled, its rate-limit bucket and
 * (with the user's last connection) the user's quality figures are forgotten. The work is handed
 * to housekeeping: the close is reported on an I/O thread, and cancelling runs takes their locks.
 */
final class ConnectionCleanup implements ConnectionListener {
    private final RoutingStats stats;
    private final AgentRuns runs;
    private final Protection protection;
    private final QualityTracker quality;
    private final ConnectionRegistry connections;
    private final Consumer<Runnable> housekeeping;

    ConnectionCleanup(RoutingStats stats, AgentRuns runs, Protection protection, QualityTracker quality,
                      ConnectionRegistry connections, Consumer<Runnable> housekeeping) {
        this.stats = stats;
        this.runs = runs;
        this.protection = protection;
        this.quality = quality;
        this.connections = connections;
        this.housekeeping = housekeeping;
    }

    @Override
    public void opened(ConnectionInfo connection) {
        stats.connectionOpened();
    }

    @Override
    public void closed(ConnectionInfo connection, boolean lastOfUser) {
        stats.connectionClosed();
        housekeeping.accept(() -> {
            runs.cancelConnection(connection.connectionId());
            protection.forgetConnection(connection.connectionId());
            if (lastOfUser && !connections.isOnline(connection.userId())) {
                quality.forget(connection.userId());
            }
        });
    }
}
