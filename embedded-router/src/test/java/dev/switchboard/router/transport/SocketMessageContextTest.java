package dev.switchboard.router.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.hooks.TrafficListener;
import dev.switchboard.router.protocol.ClientMessage;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.routing.RoutingStats;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SocketMessageContextTest {

    /**
     * A reply waiting in a slow client's outbox holds its "written" callback until the socket takes
     * it. At 500 such clients that was 150,000 waiting replies, each keeping its whole message alive
     * through the callback, and the console's embedded router ran out of heap. The callback now holds
     * the timer and a time only.
     */
    @Test
    void aWaitingReplyKeepsNeitherItsMessageNorItsContext() {
        List<Runnable> waiting = new ArrayList<>();
        AtomicLong timed = new AtomicLong(-1);
        WeakReference<Object> message = replyAndForget(waiting, timed);

        for (int attempt = 0; attempt < 20 && message.get() != null; attempt++) {
            System.gc();
        }

        assertThat(message.get()).as("the message, reachable only through the waiting reply's callback").isNull();
        assertThat(waiting).hasSize(1);
        waiting.get(0).run();
        assertThat(timed.get()).as("the answer is still timed once written").isGreaterThanOrEqualTo(0);
    }

    private static WeakReference<Object> replyAndForget(List<Runnable> waiting, AtomicLong timed) {
        ClientMessage message = ClientMessage.of("ping", null);
        SocketMessageContext context = new SocketMessageContext(
                (user, connection, frame, written) -> waiting.add(written), new JsonCodec(), new RoutingStats(),
                TrafficListener.NONE, "ann", "c-1", message, 0, System.nanoTime(), timed::set, null);
        context.reply(ServerEvent.of("pong"));
        return new WeakReference<>(message);
    }
}
