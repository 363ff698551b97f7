package dev.switchboard.router.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.agents.http.ExampleAgentService;
import dev.switchboard.router.agents.http.HttpStreams;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failures reach the http backends in the terms of the interface, whichever client saw them; a
 * response is read on the I/O thread it is asked to be read near, when that is an event loop.
 */
class NettyHttpStreamsTest {

    /** Posts a run to a real service and returns the names of the threads every callback ran on. */
    private static Set<String> readThreads(NettyHttpStreams streams, Executor near) throws Exception {
        return readThreads(streams, near, "127.0.0.1");
    }

    /** As {@link #readThreads(NettyHttpStreams, Executor)}, the service's URL naming it {@code host}. */
    private static Set<String> readThreads(NettyHttpStreams streams, Executor near, String host) throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CompletableFuture<String> body = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        ExampleAgentService service = ExampleAgentService.start(0, ExampleAgentService.standard(0));
        try {
            streams.post(java.net.URI.create(service.runsUrl().toString().replace("127.0.0.1", host)), Map.of("Content-Type", "application/json"),
                    "{\"run_id\":\"r1\",\"user_id\":\"alice\",\"content\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(5), near, new HttpStreams.Receiver() {
                        @Override
                        public boolean headers(int status, String contentType) {
                            threads.add(Thread.currentThread().getName());
                            return true;
                        }

                        @Override
                        public void body(ByteBuffer bytes) {
                            threads.add(Thread.currentThread().getName());
                            text.append(StandardCharsets.UTF_8.decode(bytes));
                        }

                        @Override
                        public void end() {
                            threads.add(Thread.currentThread().getName());
                            body.complete(text.toString());
                        }

                        @Override
                        public void failed(Throwable cause) {
                            body.completeExceptionally(cause);
                        }
                    });
            assertThat(body.get(10, TimeUnit.SECONDS)).contains("event: agent_completed");
        } finally {
            service.close();
        }
        return threads;
    }

    @Test
    void aResponseIsReadOnTheEventLoopItIsAskedToBeReadNear() throws Exception {
        MultiThreadIoEventLoopGroup connections = new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("user-connection", true), NioIoHandler.newFactory());
        try (NettyHttpStreams streams = new NettyHttpStreams()) {
            EventLoop near = connections.next();
            String nearThread = CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), near)
                    .get(5, TimeUnit.SECONDS);

            assertThat(readThreads(streams, near)).containsExactly(nearThread);
        } finally {
            connections.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHostNameIsResolvedBeforeTheConnectionIsHandedToTheEventLoop() throws Exception {
        MultiThreadIoEventLoopGroup connections = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("user-connection", true), NioIoHandler.newFactory());
        try (NettyHttpStreams streams = new NettyHttpStreams()) {
            assertThat(readThreads(streams, connections.next(), "localhost")).allMatch(name -> name.startsWith("user-connection"));
        } finally {
            connections.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void withNoEventLoopToReadNearItReadsOnItsOwnThread() throws Exception {
        try (NettyHttpStreams streams = new NettyHttpStreams()) {
            for (Executor near : new Executor[] {null, Runnable::run}) {
                assertThat(readThreads(streams, near)).allMatch(name -> name.startsWith("switchboard-agent-http"));
            }
        }
    }

    @Test
    void aConnectTimeoutIsATimeoutNotARefusal() {
        Throwable translated = NettyHttpStreams.inInterfaceTerms(
                new ConnectTimeoutException("connection timed out: /10.0.0.1:9000"));

        assertThat(translated).isInstanceOf(HttpConnectTimeoutException.class)
                .hasMessage("connection timed out: /10.0.0.1:9000");
        assertThat(translated.getCause()).isInstanceOf(ConnectTimeoutException.class);
    }

    @Test
    void otherFailuresPassAsTheyAre() {
        ConnectException refused = new ConnectException("Connection refused");
        IOException reset = new IOException("Connection reset");

        assertThat(NettyHttpStreams.inInterfaceTerms(refused)).isSameAs(refused);
        assertThat(NettyHttpStreams.inInterfaceTerms(reset)).isSameAs(reset);
    }
}
