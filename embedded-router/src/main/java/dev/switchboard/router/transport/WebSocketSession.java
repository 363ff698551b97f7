package dev.switchboard.router.transport;

import dev.switchboard.router.connections.ConnectionClose;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upgraded WebSocket connection: hands whole messages to its {@link FrameListener}, answers
 * pings and close frames, and carries out the router's closes. A protocol error (unmasked frame,
 * invalid UTF-8, a frame over the hard limit, a bad close frame) closes with the code RFC 6455 gives
 * it, after which the peer's remaining bytes are drained so that it reads the close frame.
 */
final class WebSocketSession extends ChannelInboundHandlerAdapter {
    /** A close reason is at most 123 bytes of UTF-8 (RFC 6455 section 5.5). */
    private static final int MAX_REASON_BYTES = 123;

    private final Channel channel;
    private final TransportLimits limits;
    private final TransportStats stats;
    private final SocketSink sink;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile FrameListener listener;
    private boolean ended;
    private boolean closeFrameSent;
    /** Set on the I/O thread once the upgrade is complete. */
    private volatile boolean upgraded;
    /** Bytes of frames that arrived after the router began to close (I/O thread only). */
    private long ignoredWhileClosing;

    WebSocketSession(Channel channel, TransportLimits limits, TransportStats stats) {
        this.channel = channel;
        this.limits = limits;
        this.stats = stats;
        this.sink = new SocketSink(channel, this);
    }

    SocketSink sink() {
        return sink;
    }

    void listener(FrameListener value) {
        this.listener = value;
    }

    /** Whether the close frame has gone out (I/O thread only): nothing may follow it. */
    boolean closeFrameSent() {
        return closeFrameSent;
    }

    /** The pipeline is a WebSocket one only (the 101 sent, the HTTP codec gone): frames may be written directly. */
    void upgraded() {
        upgraded = true;
    }

    /** Whether {@link #upgraded()} was called. */
    boolean isUpgraded() {
        return upgraded;
    }

    boolean isClosing() {
        return closing.get();
    }

    /** The router ends this connection with {@code code}: from any thread, once. */
    void close(int code, String reason) {
        close(code, reason, false);
    }

    private void close(int code, String reason, boolean drain) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        // always as a task of its own: a close decided during the handshake runs once the pipeline
        // speaks WebSocket
        channel.eventLoop().execute(() -> closeNow(code, reason, drain));
    }

    private void closeNow(int code, String reason, boolean drain) {
        closeFrameSent = true;
        stats.closed(code);
        end(new ConnectionClose(code, reason, ConnectionClose.ROUTER));
        if (!channel.isActive()) {
            return;
        }
        Closing.close(channel, new CloseWebSocketFrame(code, truncate(reason)), limits.closeGrace(), drain,
                limits.drainBytes());
    }

    private void end(ConnectionClose close) {
        if (!ended) {
            ended = true;
            FrameListener current = listener;
            if (current != null) {
                current.ended(close);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (closing.get()) {
                if (msg instanceof CloseWebSocketFrame) {
                    // the peer answered our close: the exchange is over
                    ctx.close();
                } else if (msg instanceof io.netty.buffer.ByteBufHolder frame
                        && (ignoredWhileClosing += frame.content().readableBytes()) > limits.drainBytes()) {
                    // a peer that keeps sending after our close frame gets no more reading: the grace ends it
                    ctx.channel().config().setAutoRead(false);
                }
                return;
            }
            if (msg instanceof TextWebSocketFrame text) {
                listener.text(text.content().toString(StandardCharsets.UTF_8));
            } else if (msg instanceof BinaryWebSocketFrame) {
                listener.binary();
            } else if (msg instanceof PingWebSocketFrame ping) {
                // RFC 6455 lets a pong answer only the latest ping: a peer that pings without reading
                // gets no pongs piled up for it
                if (ctx.channel().isWritable()) {
                    ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                }
            } else if (msg instanceof CloseWebSocketFrame close) {
                closedByPeer(ctx, close);
            }
            // pongs and anything else: nothing to do
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void closedByPeer(ChannelHandlerContext ctx, CloseWebSocketFrame close) {
        int code = close.statusCode();
        closing.set(true);
        closeFrameSent = true;
        int seen = code < 0 ? WebSocketCloseStatus.EMPTY.code() : code;
        stats.closed(seen);
        end(new ConnectionClose(seen, close.reasonText(), ConnectionClose.CLIENT));
        CloseWebSocketFrame echo = code < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(code, "");
        // the echo may sit behind frames the peer never reads: the grace ends the socket all the same
        ctx.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> Closing.abort(ctx.channel()), limits.closeGrace().toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closing.get()) {
            closing.set(true);
            stats.closed(WebSocketCloseStatus.ABNORMAL_CLOSURE.code());
        }
        // a close decided or received before already ended it: this only covers a socket that broke
        end(new ConnectionClose(WebSocketCloseStatus.ABNORMAL_CLOSURE.code(), "", ConnectionClose.NETWORK));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException corrupted) {
            stats.protocolError(corrupted.closeStatus().code(), cause.getMessage());
            close(corrupted.closeStatus().code(), cause.getMessage(), true);
        } else if (cause instanceof TooLongFrameException) {
            stats.protocolError(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), cause.getMessage());
            close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message over the size limit", true);
        } else if (cause instanceof IOException) {
            // reset by the peer and the like: the channel is closing; channelInactive ends the session
            Closing.abort(ctx.channel());
        } else {
            stats.unexpected(cause);
            close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "internal error", false);
        }
    }

    private static String truncate(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
