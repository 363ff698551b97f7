package dev.switchboard.router;

import dev.switchboard.router.agents.AgentRuns;
import dev.switchboard.router.cluster.RedisCluster;
import dev.switchboard.router.connections.ConnectionRegistry;
import dev.switchboard.router.monitor.wire.ClusterNode;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.transport.HttpEndpoints;
import dev.switchboard.router.transport.ListenerStatus;
import dev.switchboard.router.transport.RouterSocketServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What {@code /health} and {@code /ready} answer. Neither says 200 while the WebSocket listener is
 * not accepting connections: a load balancer must never be told to send users to a router that
 * cannot take them.
 */
final class HealthReport {
    private final Supplier<Router.State> state;
    private final Supplier<Instant> startedAt;
    private final RouterSocketServer socket;
    private final ConnectionRegistry connections;
    private final AgentRuns runs;
    private final IntSupplier handlers;
    private final int maxConnections;
    private final Clock clock;
    private final JsonCodec codec;
    private final Supplier<RedisCluster> cluster;

    HealthReport(Supplier<Router.State> state, Supplier<Instant> startedAt, RouterSocketServer socket,
                 ConnectionRegistry connections, AgentRuns runs, IntSupplier handlers, int maxConnections, Clock clock,
                 JsonCodec codec, Supplier<RedisCluster> cluster) {
        this.cluster = cluster;
        this.state = state;
        this.startedAt = startedAt;
        this.socket = socket;
        this.connections = connections;
        this.runs = runs;
        this.handlers = handlers;
        this.maxConnections = maxConnections;
        this.clock = clock;
        this.codec = codec;
    }

    /** Ready: started, warmed up, and the listener accepting connections. */
    HttpEndpoints.Readiness readiness() {
        Router.State now = state.get();
        ListenerStatus listener = socket.listenerStatus();
        boolean ready = now == Router.State.READY && listener.accepting();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", ready);
        body.put("state", now.name().toLowerCase(Locale.ROOT));
        body.put("listener", listenerJson(listener));
        body.put("handlers", handlers.getAsInt());
        body.put("agent_executor", runs.isReady() ? "ready" : "warming_up");
        return new HttpEndpoints.Readiness(ready, codec.encodeObject(body));
    }

    /** Up: not stopping or stopped, and the listener accepting connections (503 with the reason otherwise). */
    HttpEndpoints.Readiness health() {
        Router.State now = state.get();
        ListenerStatus listener = socket.listenerStatus();
        boolean up = now != Router.State.STOPPING && now != Router.State.STOPPED && listener.accepting();
        Instant started = startedAt.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "up" : "down");
        body.put("state", now.name().toLowerCase(Locale.ROOT));
        body.put("listener", listenerJson(listener));
        body.put("uptime_seconds", started == null ? 0 : Duration.between(started, clock.instant()).toSeconds());
        body.put("connections", connections.connectionCount());
        body.put("users", connections.userCount());
        body.put("pending_handshakes", socket.pendingHandshakes());
        body.put("max_connections", maxConnections);
        body.put("runs_in_flight", runs.inFlightCount());
        RedisCluster node = cluster.get();
        if (node != null) {
            // a node without Redis still serves its own users: degraded, not down
            body.put("cluster", node.redisUp() ? "ok" : "degraded");
            body.put("node_id", node.nodeId());
            body.put("cluster_nodes", node.members().stream().filter(member -> ClusterNode.UP.equals(member.state()))
                    .count());
            if (!node.redisUp()) {
                body.put("cluster_problem", node.problem());
            }
        }
        return new HttpEndpoints.Readiness(up, codec.encodeObject(body));
    }

    private static Map<String, Object> listenerJson(ListenerStatus listener) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", listener.state().name().toLowerCase(Locale.ROOT));
        json.put("since", listener.since().toString());
        if (listener.reason() != null) {
            json.put("reason", listener.reason());
        }
        return json;
    }
}
