package dev.switchboard.router.monitor.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A frame's {@code stats}: the router's aggregates. Listed in {@code src/docs/protocol.md}.
 *
 * @param connections       open client connections
 * @param users             users with at least one
 * @param messagesPerSecond messages received per second, over about the last second, one decimal
 * @param received          frames received
 * @param routed            messages a handler took
 * @param unhandled         messages of a type no handler serves
 * @param handlerErrors     handler failures
 * @param qualityMessages   quality-feature messages
 * @param byType            messages per type
 * @param errorsByType      handler errors per type
 * @param errorsSent        error events sent to clients per error code
 * @param rateLimited       messages refused by a rate limit
 * @param routingLatencyMs  routing latency percentiles ({@code p50}, {@code p95}, {@code p99}) in ms
 * @param queueDepth        messages waiting per priority ({@code critical} … {@code low})
 * @param runsInFlight      runs not ended yet
 * @param runsStarted       runs started
 * @param runsEnded         ended runs per status ({@code completed}, {@code failed}, {@code cancelled})
 * @param replyLatencyMs    answer latency percentiles in ms, over the last minute: a frame's arrival to
 *                          the first frame of its answer written to the socket (queue wait, handler and
 *                          write included): what a client waits, minus the network
 * @param handshakeMs       handshake time percentiles in ms, over the last minute: a socket accepted to
 *                          its WebSocket upgrade answered
 * @param errorsSentByType  error events sent to clients per type of the message answered: a served
 *                          type, {@code (unknown type)} for every type no handler serves, or
 *                          {@code (refused frame)} for frames refused before they had a type
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Stats(int connections, int users, double messagesPerSecond, long received, long routed,
                    long unhandled, long handlerErrors, long qualityMessages, Map<String, Long> byType,
                    Map<String, Long> errorsByType, Map<String, Long> errorsSent, long rateLimited,
                    Map<String, Double> routingLatencyMs, Map<String, Integer> queueDepth, int runsInFlight,
                    long runsStarted, Map<String, Long> runsEnded, Map<String, Double> replyLatencyMs,
                    Map<String, Double> handshakeMs, Map<String, Long> errorsSentByType) {

    public Stats {
        byType = byType == null ? Map.of() : byType;
        errorsByType = errorsByType == null ? Map.of() : errorsByType;
        errorsSent = errorsSent == null ? Map.of() : errorsSent;
        routingLatencyMs = routingLatencyMs == null ? Map.of() : routingLatencyMs;
        queueDepth = queueDepth == null ? Map.of() : queueDepth;
        runsEnded = runsEnded == null ? Map.of() : runsEnded;
        replyLatencyMs = replyLatencyMs == null ? Map.of() : replyLatencyMs;
        handshakeMs = handshakeMs == null ? Map.of() : handshakeMs;
        errorsSentByType = errorsSentByType == null ? Map.of() : errorsSentByType;
    }

    /** Aggregates of a router that has seen nothing (before the first frame). */
    public static Stats none() {
        return new Stats(0, 0, 0, 0, 0, 0, 0, 0, null, null, null, 0, null, null, 0, 0, null, null, null, null);
    }

    /** A routing latency percentile ({@code "p99"}) in ms, 0 when not known. */
    public double latencyMs(String percentile) {
        Double value = routingLatencyMs.get(percentile);
        return value == null ? 0 : value;
    }

    /** An answer latency percentile ({@code "p99"}) in ms, 0 when not known. */
    public double replyMs(String percentile) {
        Double value = replyLatencyMs.get(percentile);
        return value == null ? 0 : value;
    }

    /** Messages waiting, all priorities together. */
    public long queued() {
        return queueDepth.values().stream().mapToLong(Integer::longValue).sum();
    }
}
