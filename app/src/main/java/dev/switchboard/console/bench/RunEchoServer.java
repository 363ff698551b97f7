package dev.switchboard.console.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;

/**
 * The baseline of the agent-event bench: a bare Java-WebSocket server that answers each frame as
 * the router answers a {@code user_message} whose run has no pauses — a {@code message_ack} to the
 * sender, then one frame per run event to every connection of the same user ({@code ?user=} of the
 * handshake), of the types and sizes the router's run events had (measured by the bench on the
 * router first). Each pushed frame carries the run's {@code thread_id} (copied from the request),
 * {@code seq} and the {@code timestamp} it was sent at, as the router's events do; nothing else is done.
 */
final class RunEchoServer extends EchoServer {
    private static final String ACK = "message_ack";

    /** One frame to push: its {@code type} and size in bytes. */
    record Push(String type, int bytes) {
    }

    private final List<Push> pushes;
    private final Map<String, Set<WebSocket>> byUser = new ConcurrentHashMap<>();
    private final AtomicLong runs = new AtomicLong();

    RunEchoServer(int port, List<Push> pushes) {
        super(port);
        this.pushes = List.copyOf(pushes);
    }

    /** {@code message_ack:120,agent_started:180,…} as the bench passes it on the command line. */
    static List<Push> pushes(String spec) {
        List<Push> pushes = new ArrayList<>();
        for (String item : spec.split(",")) {
            int colon = item.indexOf(':');
            pushes.add(new Push(item.substring(0, colon), Integer.parseInt(item.substring(colon + 1))));
        }
        return pushes;
    }

    /** The command-line form of {@code pushes}. */
    static String spec(List<Push> pushes) {
        return String.join(",", pushes.stream().map(push -> push.type() + ":" + push.bytes()).toList());
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
        String resource = handshake.getResourceDescriptor();
        int at = resource.indexOf("user=");
        String user = at < 0 ? "" : resource.substring(at + 5);
        conn.setAttachment(user);
        byUser.computeIfAbsent(user, key -> ConcurrentHashMap.newKeySet()).add(conn);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        Set<WebSocket> connections = byUser.get(conn.<String>getAttachment());
        if (connections != null) {
            connections.remove(conn);
        }
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        String threadId = field(message, "thread_id");
        String messageId = field(message, "message_id");
        String runId = String.format("run-%016x", runs.incrementAndGet());
        Set<WebSocket> user = byUser.getOrDefault(conn.<String>getAttachment(), Set.of(conn));
        int seq = 0;
        for (Push push : pushes) {
            if (push.type().equals(ACK)) {
                conn.send(frame(push, "\"reply_to\":\"" + messageId + "\",\"run_id\":\"" + runId
                        + "\",\"thread_id\":\"" + threadId + "\""));
                sent(conn);
                continue;
            }
            seq++;
            String frame = frame(push, "\"run_id\":\"" + runId + "\",\"thread_id\":\"" + threadId + "\",\"seq\":" + seq
                    + ",\"timestamp\":\"" + Instant.now() + "\"");
            for (WebSocket each : user) {
                push(each, frame);
            }
        }
    }

    /**
     * Sends to one of the user's connections; one closing (its close not yet heard) is skipped, so
     * the user's other connections still get the run's every event.
     */
    private void push(WebSocket connection, String frame) {
        if (!connection.isOpen()) {
            return;
        }
        try {
            connection.send(frame);
            sent(connection);
        } catch (org.java_websocket.exceptions.WebsocketNotConnectedException e) {
            // closed between the check and the send: the same
        }
    }

    /** {@code {"type":…,<fields>,"data":{"pad":"xx…"}}} padded to the push's size (at least its fields). */
    private static String frame(Push push, String fields) {
        String head = "{\"type\":\"" + push.type() + "\"," + fields + ",\"data\":{\"pad\":\"";
        String tail = "\"}}";
        return head + "x".repeat(Math.max(0, push.bytes() - head.length() - tail.length())) + tail;
    }

    /** The string value of top-level {@code name} in a frame the bench wrote, or "" without one. */
    private static String field(String frame, String name) {
        String key = "\"" + name + "\":\"";
        int at = frame.indexOf(key);
        if (at < 0) {
            return "";
        }
        int from = at + key.length();
        int end = frame.indexOf('"', from);
        return end < 0 ? "" : frame.substring(from, end);
    }
}
