package dev.switchboard.router.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * Counts the lines of the handshake's head as its bytes arrive, ahead of the HTTP decoder, and
 * refuses a head of more than {@code maxLines} lines. The decoder bounds the head's bytes; this
 * bounds its lines, because each header line costs the decoder objects on the heap: 16 KiB of
 * two-byte headers would otherwise cost hundreds of kilobytes per socket before anyone logged in.
 * Leaves the pipeline once the head is complete.
 */
final class HeaderLineLimit extends ChannelInboundHandlerAdapter {
    private final int maxLines;
    private final Consumer<ChannelHandlerContext> refuse;
    private int lines;
    private int tail;

    /**
     * @param refuse answers the socket (431) and closes it; called once
     */
    HeaderLineLimit(int maxLines, Consumer<ChannelHandlerContext> refuse) {
        this.maxLines = maxLines;
        this.refuse = refuse;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        for (int i = bytes.readerIndex(); i < bytes.writerIndex(); i++) {
            byte b = bytes.getByte(i);
            // the last four bytes, to find the blank line that ends the head across reads
            tail = (tail << 8) | (b & 0xFF);
            if (b == '\n') {
                if ((tail & 0xFFFFFFFF) == 0x0D0A0D0A || (tail & 0xFFFF) == 0x0A0A) {
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(msg);
                    return;
                }
                if (++lines > maxLines) {
                    ReferenceCountUtil.release(msg);
                    ctx.pipeline().remove(this);
                    refuse.accept(ctx);
                    return;
                }
            }
        }
        ctx.fireChannelRead(msg);
    }
}
