package dev.switchboard.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.ws.ClientConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The run bench's baseline answers a message as the router answers a run, over a real socket. */
class RunEchoServerTest {
    private static final List<RunEchoServer.Push> PUSHES = List.of(new RunEchoServer.Push("message_ack", 120),
            new RunEchoServer.Push("agent_started", 180), new RunEchoServer.Push("agent_thinking", 240),
            new RunEchoServer.Push("agent_completed", 300));

    private final HttpClient client = HttpClient.newHttpClient();
    private final RunEchoServer server = new RunEchoServer(0, PUSHES);
    private final List<ClientConnection> connections = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        connections.forEach(ClientConnection::abort);
        server.shutdown();
    }

    private List<String> connect(String user) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        ClientConnection connection = ClientConnection.builder(client).listener(received::add).build();
        connections.add(connection);
        connection.open(new ClientConnection.Target(URI.create("ws://127.0.0.1:" + server.getPort() + "/?user=" + user),
                null)).get(10, TimeUnit.SECONDS);
        return received;
    }

    @Test
    void acknowledgesToTheSenderAndPushesEveryFrameToEachConnectionOfTheUserOnly() throws Exception {
        server.startAndWait();
        List<String> sender = connect("alice");
        List<String> otherTab = connect("alice");
        List<String> bob = connect("bob");

        connections.get(0).send("{\"type\":\"user_message\",\"message_id\":\"m0-7\",\"thread_id\":\"b0-7\"}")
                .get(10, TimeUnit.SECONDS);

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sender.size() == 4 && otherTab.size() == 3);
        assertThat(sender).extracting(frame -> frame.length()).containsExactly(120, 180, 240, 300);
        assertThat(sender.get(0)).startsWith("{\"type\":\"message_ack\",\"reply_to\":\"m0-7\"").contains("\"thread_id\":\"b0-7\"");
        assertThat(sender.subList(1, 4)).containsExactlyElementsOf(otherTab);
        assertThat(otherTab.get(2)).startsWith("{\"type\":\"agent_completed\"").contains("\"thread_id\":\"b0-7\"", "\"seq\":3");
        EventTime time = new EventTime();
        String stamped = otherTab.get(0);
        long micros = time.epochMicros(stamped, stamped.indexOf("\"timestamp\":\"") + "\"timestamp\":\"".length());
        assertThat(micros).isCloseTo(System.currentTimeMillis() * 1000, org.assertj.core.api.Assertions.within(10_000_000L));
        Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(bob::isEmpty);
    }

    @Test
    void readsAndWritesItsCommandLineSpec() {
        assertThat(RunEchoServer.pushes(RunEchoServer.spec(PUSHES))).isEqualTo(PUSHES);
    }
}
