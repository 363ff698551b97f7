package dev.switchboard.router.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ForwarderTest {

    @Test
    void eachEmittersEventsLeaveInTheirOrderAloneOrInBatches() throws Exception {
        int emitters = 4;
        int perEmitter = 5_000;
        List<String> published = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger largestBatch = new AtomicInteger();
        AtomicLong refused = new AtomicLong();
        Set<String> publishingThreads = ConcurrentHashMap.newKeySet();
        Forwarder.Publisher slowAtTimes = (node, events, text) -> {
            publishingThreads.add(Thread.currentThread().getName());
            largestBatch.accumulateAndGet(events, Math::max);
            NodeMessages.forEachDelivery(text, (user, frame) -> published.add(user + " " + frame));
            if (calls.incrementAndGet() % 50 == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // events queue up behind this one
            }
        };
        ExecutorService ioThread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "redis-io"));
        try (Forwarder forwarder = new Forwarder(slowAtTimes, ioThread, refused::incrementAndGet)) {
            List<Thread> threads = new ArrayList<>();
            for (int e = 0; e < emitters; e++) {
                String user = "user-" + e;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < perEmitter; i++) {
                        forwarder.forward("n2", user, Integer.toString(i));
                    }
                }, "emitter-" + e));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == emitters * perEmitter);

            assertThat(refused.get()).isZero();
            assertThat(published).hasSize(emitters * perEmitter);
            int[] next = new int[emitters];
            synchronized (published) {
                for (String entry : published) {
                    int emitter = Integer.parseInt(entry.substring("user-".length(), entry.indexOf(' ')));
                    assertThat(Integer.parseInt(entry.substring(entry.indexOf(' ') + 1)))
                            .as("the next event of %s", "user-" + emitter).isEqualTo(next[emitter]++);
                }
            }
            // events queued while a publish was slow left together
            assertThat(largestBatch.get()).isGreaterThan(1);
            // every publish was made on the connection's I/O thread, none on an emitter's
            assertThat(publishingThreads).containsExactly("redis-io");
        } finally {
            ioThread.shutdownNow();
        }
    }

    @Test
    void anEventTheFullQueueRefusesIsCountedAndTheQueuedOnesStillLeaveInOrder() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        List<String> published = Collections.synchronizedList(new ArrayList<>());
        AtomicLong refused = new AtomicLong();
        ExecutorService ioThread = Executors.newSingleThreadExecutor();
        ioThread.execute(() -> {
            try {
                busy.await(); // the I/O thread is busy with something else until released
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (Forwarder forwarder = new Forwarder((node, events, text) -> NodeMessages.forEachDelivery(text,
                (user, frame) -> published.add(frame)), ioThread, refused::incrementAndGet)) {
            for (int i = 0; i < Forwarder.MAX_QUEUED + 7; i++) {
                forwarder.forward("n2", "user-1", Integer.toString(i));
            }
            assertThat(refused.get()).isEqualTo(7);
            assertThat(forwarder.queued()).isEqualTo(Forwarder.MAX_QUEUED);
            busy.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == Forwarder.MAX_QUEUED);
            synchronized (published) {
                for (int i = 0; i < published.size(); i++) {
                    assertThat(published.get(i)).isEqualTo(Integer.toString(i));
                }
            }
            assertThat(forwarder.queued()).isZero();
            forwarder.forward("n2", "user-1", "after");
            await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == Forwarder.MAX_QUEUED + 1);
        } finally {
            ioThread.shutdownNow();
        }
    }

    @Test
    void aClosedForwarderRefusesAndCountsWhatItIsGiven() {
        AtomicLong refused = new AtomicLong();
        List<String> published = Collections.synchronizedList(new ArrayList<>());
        Forwarder forwarder = new Forwarder((node, events, text) -> published.add(text), Runnable::run,
                refused::incrementAndGet);
        forwarder.forward("n2", "user-1", "before");
        forwarder.close();
        forwarder.forward("n2", "user-1", "after");
        forwarder.forward("n3", "user-2", "after");

        assertThat(published).hasSize(1);
        assertThat(refused.get()).isEqualTo(2);
        assertThat(forwarder.queued()).isZero();
    }
}
