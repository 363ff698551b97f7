package dev.switchboard.router.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.JsonCodec;
import dev.switchboard.router.protocol.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import dev.switchboard.router.support.ManualClock;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {

    /** A sink that records frames and lets the test set how many are pending. */
    static final class FakeSink implements ConnectionSink {
        final List<String> frames = new ArrayList<>();
        final List<String> timed = new ArrayList<>();
        Executor writer;
        int pending;
        long pendingBytes;
        Integer closedWith;

        @Override
        public void send(String frame) {
            frames.add(frame);
        }

        @Override
        public void send(String frame, Runnable written) {
            frames.add(frame);
            timed.add(frame);
            written.run();
        }

        @Override
        public Executor writer() {
            return writer;
        }

        @Override
        public int pendingFrames() {
            return pending;
        }

        @Override
        public long pendingBytes() {
            return pendingBytes;
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }
    }


    private final ManualClock clock = new ManualClock();
    private final ConnectionRegistry registry = new ConnectionRegistry(new JsonCodec(), clock,
            new ConnectionLimits(3, 4096, 2), Runnable::run);

    @Test
    void emitToUserReachesEveryConnectionOfThatUserAndNoOneElse() {
        FakeSink aliceTab1 = new FakeSink();
        FakeSink aliceTab2 = new FakeSink();
        FakeSink bob = new FakeSink();
        registry.open("alice", "127.0.0.1:1", aliceTab1);
        registry.open("alice", "127.0.0.1:2", aliceTab2);
        registry.open("bob", "127.0.0.1:3", bob);

        assertThat(registry.emitToUser("alice", ServerEvent.of("hello"))).isEqualTo(2);

        assertThat(aliceTab1.frames).containsExactly("{\"type\":\"hello\"}");
        assertThat(aliceTab2.frames).containsExactly("{\"type\":\"hello\"}");
        assertThat(bob.frames).isEmpty();
        assertThat(registry.emitToUser("nobody", ServerEvent.of("hello"))).isZero();
    }

    @Test
    void anEmitIsTimedOnceOnTheFirstConnectionThatTookIt() {
        FakeSink tab1 = new FakeSink();
        FakeSink tab2 = new FakeSink();
        FakeSink full = new FakeSink();
        FakeSink bobsOther = new FakeSink();
        registry.open("alice", "127.0.0.1:1", tab1);
        registry.open("alice", "127.0.0.1:2", tab2);
        registry.open("bob", "127.0.0.1:3", full);
        registry.open("bob", "127.0.0.1:4", bobsOther);
        full.pending = 3; // refuses
        AtomicInteger aliceWritten = new AtomicInteger();
        AtomicInteger bobWritten = new AtomicInteger();

        assertThat(registry.emitToUser("alice", ServerEvent.of("hello"), aliceWritten::incrementAndGet)).isEqualTo(2);
        assertThat(registry.emitToUser("bob", ServerEvent.of("hello"), bobWritten::incrementAndGet)).isEqualTo(1);

        assertThat(aliceWritten).hasValue(1);
        assertThat(tab1.timed.size() + tab2.timed.size()).isEqualTo(1);
        assertThat(tab1.frames).hasSize(1);
        assertThat(tab2.frames).hasSize(1);
        assertThat(bobWritten).hasValue(1);
        assertThat(full.timed).isEmpty();
        assertThat(bobsOther.timed).hasSize(1);
    }

    @Test
    void aUsersWriterIsTheThreadOfOneOfItsOpenConnections() {
        FakeSink closing = new FakeSink();
        FakeSink open = new FakeSink();
        Executor closingThread = Runnable::run;
        Executor openThread = Runnable::run;
        closing.writer = closingThread;
        open.writer = openThread;
        Connection first = registry.open("alice", "127.0.0.1:1", closing);
        registry.open("alice", "127.0.0.1:2", open);
        registry.open("bob", "127.0.0.1:3", new FakeSink());

        first.close(CloseCodes.GOING_AWAY, "bye");

        assertThat(registry.writerOf("alice")).isSameAs(openThread);
        assertThat(registry.writerOf("bob")).isNull(); // a sink with no one thread
        assertThat(registry.writerOf("nobody")).isNull();
    }

    @Test
    void sendToConnectionRefusesAConnectionOfAnotherUser() {
        FakeSink bob = new FakeSink();
        Connection bobs = registry.open("bob", "x", bob);
        assertThat(registry.sendToConnection("alice", bobs.id(), "{}")).isFalse();
        assertThat(registry.sendToConnection("bob", bobs.id(), "{}")).isTrue();
        assertThat(bob.frames).containsExactly("{}");
    }

    @Test
    void anOperatorMayShrinkOneUsersOutboxsNowAndForItsNextConnections() {
        FakeSink open = new FakeSink();
        FakeSink other = new FakeSink();
        Connection first = registry.open("alice", "127.0.0.1:1", open);
        registry.open("bob", "127.0.0.1:2", other);
        registry.limitOutbox("alice", 1);
        open.pending = 1;
        other.pending = 1;
        registry.emitToUser("alice", ServerEvent.of("one"));
        registry.emitToUser("bob", ServerEvent.of("one"));
        assertThat(open.closedWith).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(other.closedWith).isNull(); // bob's outbox holds 3
        registry.remove(first); // as the transport does once the socket closed

        FakeSink later = new FakeSink();
        Connection second = registry.open("alice", "127.0.0.1:3", later);
        later.pending = 1;
        registry.emitToUser("alice", ServerEvent.of("two"));
        assertThat(later.closedWith).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        registry.remove(second);

        registry.limitOutbox("alice", null);
        FakeSink normal = new FakeSink();
        registry.open("alice", "127.0.0.1:4", normal);
        normal.pending = 1;
        registry.emitToUser("alice", ServerEvent.of("three"));
        assertThat(normal.closedWith).isNull();
    }

    @Test
    void aFullOutboxClosesTheConnectionWith1013OnceAndRefusesFrames() {
        FakeSink slow = new FakeSink();
        registry.open("slow", "x", slow);
        slow.pending = 3;
        assertThat(registry.emitToUser("slow", ServerEvent.of("a"))).isZero();
        assertThat(slow.closedWith).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        slow.pending = 0;
        slow.closedWith = null;
        assertThat(registry.emitToUser("slow", ServerEvent.of("b"))).isZero();
        assertThat(slow.closedWith).isNull();
        assertThat(registry.framesRefused()).isEqualTo(2);
    }

    @Test
    void removingTheLastConnectionOfAUserSaysSo() {
        List<String> events = new ArrayList<>();
        registry.addListener(new ConnectionListener() {
            @Override
            public void closed(ConnectionInfo connection, boolean lastOfUser) {
                events.add(connection.userId() + ":" + lastOfUser);
            }
        });
        Connection first = registry.open("alice", "x", new FakeSink());
        Connection second = registry.open("alice", "y", new FakeSink());
        registry.remove(first);
        registry.remove(first);
        registry.remove(second);
        assertThat(events).containsExactly("alice:false", "alice:true");
        assertThat(registry.isOnline("alice")).isFalse();
        assertThat(registry.userCount()).isZero();
    }

    @Test
    void closesOnlyConnectionsIdlePastTheTimeout() {
        FakeSink idle = new FakeSink();
        FakeSink busy = new FakeSink();
        registry.open("idle", "x", idle);
        Connection active = registry.open("busy", "y", busy);
        clock.advance(Duration.ofSeconds(200));
        active.received(clock.millis());
        clock.advance(Duration.ofSeconds(150));
        assertThat(registry.closeIdle(Duration.ofSeconds(300))).isEqualTo(1);
        assertThat(idle.closedWith).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(busy.closedWith).isNull();
    }

    @Test
    void connectionInfoTracksMessagesInAndOut() {
        Connection connection = registry.open("alice", "127.0.0.1:9", new FakeSink());
        connection.received(clock.millis());
        connection.thread("t-9");
        registry.emitToUser("alice", ServerEvent.of("x"));
        ConnectionInfo info = registry.connections().get(0);
        assertThat(info.messagesIn()).isEqualTo(1);
        assertThat(info.messagesOut()).isEqualTo(1);
        assertThat(info.threadId()).isEqualTo("t-9");
        assertThat(info.remoteAddress()).isEqualTo("127.0.0.1:9");
    }

    @Test
    void aFullOutboxInBytesClosesTheConnectionWith1013() {
        FakeSink sink = new FakeSink();
        registry.open("alice", "test", sink);
        sink.pendingBytes = 4096;

        assertThat(registry.emitToUser("alice", ServerEvent.builder(EventType.PONG).build())).isZero();
        assertThat(sink.closedWith).isEqualTo(1013);
        assertThat(registry.framesRefused()).isEqualTo(1);
    }

    @Test
    void refusesAUsersConnectionOverThePerUserLimitAndCountsIt() {
        assertThat(registry.open("alice", "tab-1", new FakeSink())).isNotNull();
        assertThat(registry.open("alice", "tab-2", new FakeSink())).isNotNull();

        assertThat(registry.open("alice", "tab-3", new FakeSink())).isNull();
        assertThat(registry.open("bob", "tab-1", new FakeSink())).isNotNull();
        assertThat(registry.connectionCount()).isEqualTo(3);
        assertThat(registry.refusedPerUser()).isEqualTo(1);
    }

    @Test
    void countsEveryFrameAnEmitFansOutTo() {
        registry.open("alice", "tab-1", new FakeSink());
        registry.open("alice", "tab-2", new FakeSink());

        registry.emitToUser("alice", ServerEvent.builder(EventType.PONG).build());

        assertThat(registry.fanOutFrames()).isEqualTo(2);
    }
}
