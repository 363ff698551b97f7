package dev.switchboard.router.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SocketSink} over a real Netty channel pair (in-JVM transport, one I/O thread): frames sent
 * from another thread arrive whole and in order, and those handed over together leave with one
 * flush, not one each.
 */
class SocketSinkTest {
    private final DefaultEventLoopGroup io = new DefaultEventLoopGroup(1);
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final AtomicInteger flushes = new AtomicInteger();
    private Channel server;
    private Channel channel;
    private SocketSink sink;

    @BeforeEach
    void connect() throws Exception {
        LocalAddress address = new LocalAddress("socket-sink-" + System.nanoTime());
        server = new ServerBootstrap().group(io).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel peer) {
                        peer.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object message) {
                                TextWebSocketFrame frame = (TextWebSocketFrame) message;
                                received.add(frame.text());
                                frame.release();
                            }
                        });
                    }
                }).bind(address).sync().channel();
        channel = new Bootstrap().group(io).channel(LocalChannel.class)
                .handler(new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void flush(ChannelHandlerContext ctx) {
                        flushes.incrementAndGet();
                        ctx.flush();
                    }
                }).connect(address).sync().channel();
        WebSocketSession session = new WebSocketSession(channel,
                new TransportLimits(10, 10, Duration.ofSeconds(5), 1024, 8192, 65_536, Duration.ofSeconds(1), 0),
                new TransportStats());
        session.upgraded();
        sink = session.sink();
    }

    @AfterEach
    void close() throws Exception {
        channel.close().sync();
        server.close().sync();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Test
    void framesHandedOverTogetherLeaveInOrderWithOneFlush() throws Exception {
        CountDownLatch release = holdIoThread();
        int before = flushes.get();
        for (int i = 1; i <= 6; i++) {
            sink.send("event-" + i); // the I/O thread is busy: each one is handed over as a task
        }
        assertThat(sink.pendingFrames()).isEqualTo(6);
        release.countDown();
        assertThat(take(6)).containsExactly("event-1", "event-2", "event-3", "event-4", "event-5", "event-6");
        assertThat(flushes.get() - before).as("flushes for six frames handed over together").isEqualTo(1);
        awaitNothingPending();
    }

    @Test
    void aSenderThatAlwaysHasAFrameWaitingStillGetsItsFramesFlushed() throws Exception {
        // 100 frames waiting at once: flushed after the 32nd, the 64th and the 96th, and the last
        assertThat(flushesFor(100, "f")).isEqualTo(4);
        // ten frames of 10,000 bytes: flushed once 64 KiB are written (the 7th), and after the last
        assertThat(flushesFor(10, "x".repeat(10_000))).isEqualTo(2);
    }

    /** Flushes for {@code count} frames of {@code text} (and their number) handed over while the I/O thread is busy. */
    private int flushesFor(int count, String text) throws Exception {
        CountDownLatch release = holdIoThread();
        int before = flushes.get();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(text + i);
            sink.send(text + i);
        }
        release.countDown();
        assertThat(take(count)).isEqualTo(sent);
        awaitNothingPending();
        return flushes.get() - before;
    }

    @Test
    void aFrameAloneIsFlushedAtOnce() throws Exception {
        for (int i = 1; i <= 3; i++) {
            int before = flushes.get();
            sink.send("alone-" + i);
            assertThat(take(1)).containsExactly("alone-" + i);
            assertThat(flushes.get() - before).isEqualTo(1);
        }
        awaitNothingPending();
    }

    @Test
    void aFrameSentOnTheIoThreadBehindHandedOverOnesKeepsItsPlace() throws Exception {
        CountDownLatch release = holdIoThread();
        sink.send("first");
        sink.send("second");
        // queued behind the two: when it runs on the I/O thread, the third must not overtake them
        channel.eventLoop().execute(() -> sink.send("third"));
        release.countDown();
        assertThat(take(3)).containsExactly("first", "second", "third");
        awaitNothingPending();
    }

    private List<String> take(int count) throws InterruptedException {
        List<String> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String frame = received.poll(5, TimeUnit.SECONDS);
            assertThat(frame).as("frame %d of %d within 5 s (got %s)", i + 1, count, frames).isNotNull();
            frames.add(frame);
        }
        return frames;
    }

    private void awaitNothingPending() throws Exception {
        // the write listeners run on the I/O thread: a task behind them sees the count they leave
        channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertThat(sink.pendingFrames()).isZero();
        assertThat(sink.pendingBytes()).isZero();
    }

    /**
     * Keeps the I/O thread busy until the latch returned is counted down: every frame sent meanwhile
     * is handed over as a task.
     */
    private CountDownLatch holdIoThread() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        channel.eventLoop().execute(() -> {
            busy.countDown();
            awaitQuietly(release);
        });
        busy.await();
        return release;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
