package dev.switchboard.console.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The benchmark's baseline: a bare Java-WebSocket server on loopback that sends every frame back
 * as it came — the same library, socket options and thread model as the router's transport, and
 * nothing else. Also the echo peer of {@code ClientConnectionTest}.
 */
public final class EchoServer extends WebSocketServer {
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    public EchoServer() {
        super(new InetSocketAddress("127.0.0.1", 0));
        setReuseAddr(true);
        setTcpNoDelay(true);
    }

    /** Starts and waits until it listens. */
    public EchoServer startAndWait() {
        start();
        started.orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    @Override
    public void onStart() {
        started.complete(null);
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        conn.send(message);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        conn.send(message);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
        if (conn == null) {
            started.completeExceptionally(ex);
        }
    }

    public void shutdown() {
        try {
            stop(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
