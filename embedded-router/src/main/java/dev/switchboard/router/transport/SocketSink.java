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
 * written on the connection's own I/O thread, in the order they were sent.
 */
final class SocketSink implements ConnectionSink {
    private final Channel channel;
    private final WebSocketSession session;
    private final AtomicInteger frames = new AtomicInteger();
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
        try {
            channel.eventLoop().execute(() -> {
                if (session.closeFrameSent()) {
                    // nothing may follow the close frame (RFC 6455 section 5.5.1)
                    message.release();
                    frames.decrementAndGet();
                    bytes.addAndGet(-size);
                    return;
                }
                channel.writeAndFlush(message).addListener(done -> {
                    frames.decrementAndGet();
                    bytes.addAndGet(-size);
                    if (written != null && done.isSuccess()) {
                        written.run();
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            // the I/O threads are stopping: the frame has nowhere to go
            message.release();
            frames.decrementAndGet();
            bytes.addAndGet(-size);
        }
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
