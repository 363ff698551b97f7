package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.ws.ClientConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.framing.Framedata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A send Java-WebSocket left queued, with the connection no longer asking to write (the state its
 * selector's lost wake-up leaves behind), reaches the client once the baseline has noted the send.
 */
class StalledWritesTest {
    /**
     * On {@code "stall <text>"} queues {@code <text>} as the lost wake-up leaves it, and with
     * {@code "stall-watched <text>"} also notes it as sent; echoes anything else.
     */
    private static final class StallingServer extends EchoServer {
        @Override
        public void onMessage(WebSocket conn, String message) {
            if (!message.startsWith("stall")) {
                super.onMessage(conn, message);
                return;
            }
            String text = message.substring(message.indexOf(' ') + 1);
            WebSocketImpl connection = (WebSocketImpl) conn;
            // until the selector is done with this connection's last write (it set the interest back to
            // reading): else its write in progress could take the frame, and the stall would not be one
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() ->
                    !connection.hasBufferedData() && connection.getSelectionKey().interestOps() == SelectionKey.OP_READ);
            for (Framedata frame : connection.getDraft().createFrames(text, false)) {
                connection.outQueue.add(connection.getDraft().createBinaryFrame(frame));
            }
            connection.getSelectionKey().interestOps(SelectionKey.OP_READ);
            if (message.startsWith("stall-watched ")) {
                sent(conn);
            }
        }
    }

    private final HttpClient client = HttpClient.newHttpClient();
    private final StallingServer server = new StallingServer();
    private final List<ClientConnection> connections = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        connections.forEach(ClientConnection::abort);
        server.shutdown();
    }

    private ClientConnection connect(List<String> received) throws Exception {
        ClientConnection connection = ClientConnection.builder(client).listener(received::add).build();
        connections.add(connection);
        connection.open(new ClientConnection.Target(URI.create("ws://127.0.0.1:" + server.getPort() + "/"), null))
                .get(10, TimeUnit.SECONDS);
        return connection;
    }

    @Test
    void aQueuedSendNotAskingToWriteStaysQueuedUnlessNoted() throws Exception {
        server.startAndWait();
        List<String> received = new CopyOnWriteArrayList<>();
        ClientConnection connection = connect(received);

        connection.send("stall lost").get(10, TimeUnit.SECONDS);

        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(received::isEmpty);
        assertThat(server.stalledSendsRescued()).isZero();
    }

    @Test
    void rescuesANotedSendLeftQueuedAndCountsIt() throws Exception {
        server.startAndWait();
        List<String> received = new CopyOnWriteArrayList<>();
        ClientConnection connection = connect(received);

        connection.send("stall-watched rescued").get(10, TimeUnit.SECONDS);

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("rescued"));
        assertThat(server.stalledSendsRescued()).isEqualTo(1);
    }

    @Test
    void aSendWrittenAtOnceIsNotCounted() throws Exception {
        server.startAndWait();
        List<String> received = new CopyOnWriteArrayList<>();
        ClientConnection connection = connect(received);

        for (int i = 0; i < 100; i++) {
            connection.send("echo " + i).get(10, TimeUnit.SECONDS);
        }

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 100);
        Awaitility.await().during(Duration.ofMillis(50)).atMost(Duration.ofSeconds(1))
                .until(() -> server.stalledSendsRescued() == 0);
    }
}
