package dev.switchboard.console.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.agents.http.HttpStreams;
import dev.switchboard.router.agents.http.SseParser;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.transport.NettyHttpStreams;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;

/**
 * The baseline of the http-backend bench: a bare relay from an agent service to WebSocket clients,
 * with the router's own parts and none of its routing. On a {@code start_agent} it answers a
 * {@code message_ack}, posts the run to the service with the router's HTTP client
 * ({@link NettyHttpStreams}, one I/O thread), reads the stream with the router's {@link SseParser},
 * and sends each event to the connection that asked as the router shapes it ({@code type},
 * {@code run_id}, {@code seq}, {@code timestamp}, the event's JSON object as {@code data}), after an
 * {@code agent_started} when the response's headers arrive. No validation, rate limits, queues,
 * breakers, contract checks, monitors or metrics: what the router adds beyond this is its own.
 * Runs in a JVM of its own ({@link #main}), as the router does.
 */
final class RelayServer extends EchoServer {
    private static final int MAX_EVENT_BYTES = 64 * 1024;

    private final URI runs;
    private final NettyHttpStreams http = new NettyHttpStreams();
    private final AtomicLong ids = new AtomicLong();

    RelayServer(int port, URI runs) {
        super(port);
        this.runs = runs;
    }

    /** {@code RelayServer PORT RUNS_URL}: relays runs of the service at RUNS_URL on 127.0.0.1:PORT until killed. */
    public static void main(String[] args) {
        RelayServer server = new RelayServer(Integer.parseInt(args[0]), URI.create(args[1]));
        server.printRescues();
        server.startAndWait();
        System.out.println("relay listening on 127.0.0.1:" + server.getPort());
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        JsonNode request;
        try {
            request = Json.mapper().readTree(message);
        } catch (IOException e) {
            return;
        }
        if (!"start_agent".equals(request.path("type").asText())) {
            return;
        }
        String runId = String.format("run-%016x", ids.incrementAndGet());
        send(conn, Json.mapper().createObjectNode().put("type", "message_ack")
                .put("reply_to", request.path("message_id").asText()).put("run_id", runId));
        JsonNode payload = request.path("payload");
        ObjectNode body = Json.mapper().createObjectNode().put("run_id", runId).put("user_id", "bench")
                .put("thread_id", runId).put("agent", payload.path("agent").asText("bench"))
                .put("content", payload.path("content").asText(""));
        body.putArray("tools");
        body.put("shadow", false);
        AtomicInteger seq = new AtomicInteger();
        SseParser parser = new SseParser(MAX_EVENT_BYTES, (type, data, overflowed) -> {
            JsonNode parsed;
            try {
                parsed = data == null ? null : Json.mapper().readTree(data);
            } catch (IOException e) {
                return;
            }
            if (parsed != null && parsed.isObject()) {
                send(conn, event(type, runId, seq, (ObjectNode) parsed));
            }
        });
        http.post(runs, Map.of("Content-Type", "application/json", "Accept", "text/event-stream"),
                body.toString().getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5), new HttpStreams.Receiver() {
                    @Override
                    public boolean headers(int status, String contentType) {
                        if (status != 200) {
                            failed(null);
                            return false;
                        }
                        send(conn, event("agent_started", runId, seq, Json.mapper().createObjectNode()
                                .put("backend", "relay").put("agent", "bench")));
                        return true;
                    }

                    @Override
                    public void body(ByteBuffer bytes) {
                        parser.feed(bytes);
                    }

                    @Override
                    public void end() {
                        parser.end();
                    }

                    @Override
                    public void failed(Throwable cause) {
                        send(conn, event("agent_completed", runId, seq, Json.mapper().createObjectNode()
                                .put("status", "failed").put("reason", "backend_unavailable")));
                    }
                });
    }

    /** A run event as the router shapes it. */
    private static ObjectNode event(String type, String runId, AtomicInteger seq, ObjectNode data) {
        ObjectNode event = Json.mapper().createObjectNode().put("type", type).put("run_id", runId)
                .put("seq", seq.incrementAndGet()).put("timestamp", Instant.now().toString());
        event.set("data", data);
        return event;
    }

    private void send(WebSocket connection, ObjectNode frame) {
        if (!connection.isOpen()) {
            return;
        }
        try {
            connection.send(frame.toString());
            sent(connection);
        } catch (org.java_websocket.exceptions.WebsocketNotConnectedException e) {
            // closed between the check and the send
        }
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    }
}
