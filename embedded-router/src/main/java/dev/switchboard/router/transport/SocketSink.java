package dev.switchboard.router.transport;

import dev.switchboard.router.connections.ConnectionSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket connection as a {@link ConnectionSink}. Counts what is queued for it, in frames and in
 * bytes, from the moment a frame is handed over until the socket took it, so the registry can bound
 * both; what the kernel still holds beyond that is bounded by the fixed send buffer. Frames are
 * written on the connection's own I/O thread, in the order they were sent: at once when sent on that
 * thread with nothing handed over still waiting, else as a task queued behind what was. Frames handed
 * over together share one flush: each task writes its frame, and only the one that finds no other
 * task of this connection waiting behind it flushes (a run's events, sent back to back from an
 * agent's thread, leave in one system call instead of one each).
 */
final class SocketSink implements ConnectionSink {
    private final Channel channel;
    private final WebSocketSession session;
    private final AtomicInteger frames = new AtomicInteger();
    /** Frames handed to the I/O thread as tasks that have not run yet. */
    private final AtomicInteger handedOver = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    SocketSink(Channel channel, WebSocketSession session) {
        this.channel = channel;
        this.session = session;
    }

    @Override
    public void send(String frame) {
        send(frame, null);
    }

    @Override
    public void send(String frame, Runnable written) {
        if (session.isClosing()) {
            return;
        }
        ByteBuf payload = ByteBufUtil.writeUtf8(channel.alloc(), frame);
        int size = payload.readableBytes();
        frames.incrementAndGet();
        bytes.addAndGet(size);
        TextWebSocketFrame message = new TextWebSocketFrame(payload);
        if (channel.eventLoop().inEventLoop() && handedOver.get() == 0 && session.isUpgraded()) {
            // sent on the connection's own I/O thread (a run stream read near its user) with no frame
            // still waiting to run, once the pipeline is a WebSocket one: written now, in order, with
            // no task (what the upgrade itself sends, before that, goes as tasks after the 101)
            write(message, size, written, true);
            return;
        }
        handedOver.incrementAndGet();
        try {
            channel.eventLoop().execute(() -> write(message, size, written, handedOver.decrementAndGet() == 0));
        } catch (RejectedExecutionException e) {
            // the I/O threads are stopping: the frame has nowhere to go
            handedOver.decrementAndGet();
            message.release();
            frames.decrementAndGet();
            bytes.addAndGet(-size);
        }
    }

    /**
     * On the I/O thread: writes the frame unless the close frame went first, and flushes what was
     * written if {@code flush} (no frame of this connection is waiting behind it).
     */
    private void write(TextWebSocketFrame message, int size, Runnable written, boolean flush) {
        if (session.closeFrameSent()) {
            // nothing may follow the close frame (RFC 6455 section 5.5.1)
            message.release();
            frames.decrementAndGet();
            bytes.addAndGet(-size);
            if (flush) {
                channel.flush(); // what the tasks before this one wrote, if the close did not flush it
            }
            return;
        }
        (flush ? channel.writeAndFlush(message) : channel.write(message)).addListener(done -> {
            frames.decrementAndGet();
            bytes.addAndGet(-size);
            if (written != null && done.isSuccess()) {
                written.run();
            }
        });
    }

    @Override
    public Executor writer() {
        return channel.eventLoop();
    }

    @Override
    public int pendingFrames() {
        return frames.get();
    }

    @Override
    public long pendingBytes() {
        return bytes.get();
    }

    @Override
    public void close(int code, String reason) {
        session.close(code, reason);
    }
}
