package dev.switchboard.router.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How the router ends a connection it decided to end: its last words (a close frame or an HTTP
 * refusal) go out, the sending side is shut so the peer sees the end at once, and the socket is
 * aborted when the grace runs out, whatever the peer does. Nothing the router closes lingers longer.
 */
final class Closing {

    private Closing() {
    }

    /**
     * Sends {@code lastWords}, then half-closes; aborts after {@code grace}. With {@code drain}, every
     * byte the peer still sends (up to {@code drainBytes}) is discarded meanwhile.
     */
    static void close(Channel channel, Object lastWords, Duration grace, boolean drain, int drainBytes) {
        if (drain && channel.pipeline().get(Drain.class) == null) {
            channel.pipeline().addFirst(new Drain(drainBytes));
        }
        channel.writeAndFlush(lastWords).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess() && channel.isActive() && channel instanceof SocketChannel socket) {
                socket.shutdownOutput();
            }
        });
        channel.eventLoop().schedule(() -> abort(channel), grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes the socket now with a reset, dropping whatever is still queued for it. */
    static void abort(Channel channel) {
        if (channel.isOpen()) {
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // the socket is already going: closing it is all that is left
            }
            channel.close();
        }
    }
}
