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
 * as it came, and nothing else. Also the echo peer of {@code ClientConnectionTest}. The bench runs
 * it in a JVM of its own ({@link #main}), as the router it is compared with runs.
 */
public class EchoServer extends WebSocketServer {
    /** The start of the line a server started by {@link #main} prints as it rescues a send: {@code stalled sends rescued: N}. */
    static final String RESCUED = "stalled sends rescued: ";

    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final StalledWrites stalledWrites = new StalledWrites(this);

    public EchoServer() {
        this(0);
    }

    /** On {@code port} of 127.0.0.1 (0: any free one). */
    public EchoServer(int port) {
        super(new InetSocketAddress("127.0.0.1", port));
        setReuseAddr(true);
        setTcpNoDelay(true);
    }

    /**
     * {@code EchoServer PORT}: an echo on 127.0.0.1:PORT until killed; {@code EchoServer PORT
     * TYPE:BYTES,…}: a {@link RunEchoServer} pushing frames of those types and sizes.
     */
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        EchoServer server = args.length > 1 ? new RunEchoServer(port, RunEchoServer.pushes(args[1])) : new EchoServer(port);
        server.printRescues();
        server.startAndWait();
        System.out.println("echo listening on 127.0.0.1:" + server.getPort());
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
        sent(conn);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        conn.send(message);
        sent(conn);
    }

    /** Call after each send, so that a send the library left queued is rescued (see {@link StalledWrites}). */
    protected final void sent(WebSocket conn) {
        stalledWrites.sent(conn);
    }

    /** From now on prints {@link #RESCUED} and the count so far to standard output at each rescue. */
    void printRescues() {
        stalledWrites.onRescue(count -> System.out.println(RESCUED + count));
    }

    /** Sends the library left queued until another send, rescued so far (see {@link StalledWrites}). */
    public long stalledSendsRescued() {
        return stalledWrites.rescued();
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
        stalledWrites.close();
        try {
            stop(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
