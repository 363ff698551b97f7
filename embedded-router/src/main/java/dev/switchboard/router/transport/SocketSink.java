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
 * agent's thread, leave in one system call instead of one each), or the one that makes
 * {@value #FLUSH_EVERY_FRAMES} frames or {@value #FLUSH_EVERY_BYTES} bytes written since the last
 * flush: a sender that always has a frame waiting never holds the others back, and the client is
 * never taken for one that does not read.
 */
final class SocketSink implements ConnectionSink {
    /** Frames written without a flush, at most, before one is flushed anyway. */
    static final int FLUSH_EVERY_FRAMES = 32;
    /** Bytes written without a flush, at most, before they are flushed anyway. */
    static final int FLUSH_EVERY_BYTES = 64 * 1024;
    private final Channel channel;
    private final WebSocketSession session;
    private final AtomicInteger frames = new AtomicInteger();
    /** Frames handed to the I/O thread as tasks that have not run yet. */
    private final AtomicInteger handedOver = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    /** Frames and bytes written since the last flush (I/O thread only). */
    private int unflushedFrames;
    private long unflushedBytes;

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
     * written if {@code flush} (no frame of this connection is waiting behind it) or if enough was
     * written since the last flush.
     */
    private void write(TextWebSocketFrame message, int size, Runnable written, boolean flush) {
        if (session.closeFrameSent()) {
            // nothing may follow the close frame (RFC 6455 section 5.5.1)
            message.release();
            frames.decrementAndGet();
            bytes.addAndGet(-size);
            if (flush) {
                unflushedFrames = 0;
                unflushedBytes = 0;
                channel.flush(); // what the tasks before this one wrote, if the close did not flush it
            }
            return;
        }
        unflushedFrames++;
        unflushedBytes += size;
        boolean now = flush || unflushedFrames >= FLUSH_EVERY_FRAMES || unflushedBytes >= FLUSH_EVERY_BYTES;
        if (now) {
            unflushedFrames = 0;
            unflushedBytes = 0;
        }
        (now ? channel.writeAndFlush(message) : channel.write(message)).addListener(done -> {
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
