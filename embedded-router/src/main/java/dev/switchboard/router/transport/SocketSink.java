package dev.switchboard.router.transport;

import dev.switchboard.router.connections.ConnectionSink;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.exceptions.WebsocketNotConnectedException;

/**
 * A Java-WebSocket connection as a {@link ConnectionSink}. Java-WebSocket's own send queue is
 * unbounded; {@link #pendingFrames()} exposes its length so the registry can bound it.
 */
final class SocketSink implements ConnectionSink {
    private final WebSocketImpl socket;

    SocketSink(WebSocket socket) {
        this.socket = (WebSocketImpl) socket;
    }

    @Override
    public void send(String frame) {
        try {
            socket.send(frame);
        } catch (WebsocketNotConnectedException e) {
            // closed between the registry's lookup and the send: the frame has no one to go to
        }
    }

    @Override
    public int pendingFrames() {
        return socket.outQueue.size();
    }

    @Override
    public void close(int code, String reason) {
        socket.close(code, reason);
    }
}
