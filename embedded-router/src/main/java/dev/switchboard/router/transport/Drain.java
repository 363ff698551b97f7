package dev.switchboard.router.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads and discards what a peer still sends after the router refused it or found a protocol error,
 * so that the peer, still writing, reads the answer (an HTTP refusal or a close frame) instead of a
 * reset. Put first in the pipeline. Past {@code limit} bytes it stops reading altogether: the rest
 * waits in the kernel's buffers, costing the router nothing, until the close grace ends and the
 * socket is aborted ({@link Closing}). A peer that keeps sending gigabytes costs {@code limit}.
 */
final class Drain extends ChannelInboundHandlerAdapter {
    private final long limit;
    private long discarded;

    Drain(long limit) {
        this.limit = limit;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            discarded += bytes.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (discarded > limit) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Closing.abort(ctx.channel());
    }
}
