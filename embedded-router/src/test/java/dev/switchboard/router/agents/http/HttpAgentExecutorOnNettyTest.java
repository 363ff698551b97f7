package dev.switchboard.router.agents.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.agents.BackendFailure;
import dev.switchboard.router.transport.NettyHttpStreams;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor on the transport's Netty client, as the router runs it. */
class HttpAgentExecutorOnNettyTest extends HttpAgentExecutorCases {
    private final NettyHttpStreams netty = new NettyHttpStreams();

    @Override
    HttpStreams streams() {
        return netty;
    }

    @AfterEach
    void closeNetty() {
        netty.close();
    }

    @Test
    void aServiceThatSendsHeadersForeverIsCutOffNotBuffered() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread hostile = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    in.read(new byte[4096]);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] line = ("X-Padding: " + "x".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 100_000; i++) {
                        out.write(line); // 100 MB of headers, if nobody stops reading
                    }
                } catch (java.io.IOException expected) {
                    // the router closed the connection
                }
            }, "hostile-backend");
            hostile.setDaemon(true);
            hostile.start();
            HttpAgentExecutor executor = executor(HttpBackendSettings.of(
                    URI.create("http://127.0.0.1:" + server.getLocalPort() + "/runs")));

            BackendFailure failure = failure(executor, new RecordingRun());

            assertThat(failure.reason()).isEqualTo(BackendFailure.UNAVAILABLE);
            assertThat(failure.beforeStart()).isTrue();
            hostile.join(10_000);
            assertThat(hostile.isAlive()).as("the backend was cut off long before 100 MB").isFalse();
        }
    }
}
