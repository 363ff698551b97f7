package dev.switchboard.router.protection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DispatchQueueTest {
    private final AtomicLong now = new AtomicLong();

    private DispatchQueue<String> queue(QueuePolicy policy) {
        return new DispatchQueue<>(policy, now::get, false);
    }

    private static QueuePolicy policy(int capacity, int perUser) {
        return new QueuePolicy(capacity, perUser, 1, QueuePolicy.defaults().ttl());
    }

    private static <T> DispatchQueue.Taken<T> takeAndRelease(DispatchQueue<T> queue) throws InterruptedException {
        DispatchQueue.Taken<T> taken = queue.take(0, TimeUnit.MILLISECONDS);
        if (taken != null) {
            queue.done(taken.userId());
        }
        return taken;
    }

    @Test
    void servesHigherClassesFirst() throws Exception {
        DispatchQueue<String> queue = queue(policy(100, 100));
        queue.offer("low", "a", Priority.LOW);
        queue.offer("normal", "b", Priority.NORMAL);
        queue.offer("critical", "c", Priority.CRITICAL);
        queue.offer("high", "d", Priority.HIGH);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(takeAndRelease(queue).value());
        }
        assertThat(order).containsExactly("critical", "high", "normal", "low");
        assertThat(takeAndRelease(queue)).isNull();
    }

    @Test
    void usersTakeTurnsWithinAClassSoAFloodDoesNotStarveOthers() throws Exception {
        DispatchQueue<String> queue = queue(policy(100, 100));
        for (int i = 0; i < 5; i++) {
            queue.offer("flood-" + i, "flooder", Priority.NORMAL);
        }
        queue.offer("calm-0", "calm", Priority.NORMAL);
        queue.offer("calm-1", "calm", Priority.NORMAL);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            order.add(takeAndRelease(queue).value());
        }
        assertThat(order).containsExactly("flood-0", "calm-0", "flood-1", "calm-1", "flood-2", "flood-3", "flood-4");
    }

    @Test
    void handsOutOneMessagePerUserAtATime() throws Exception {
        DispatchQueue<String> queue = queue(policy(100, 100));
        queue.offer("a1", "alice", Priority.NORMAL);
        queue.offer("a2", "alice", Priority.CRITICAL);
        queue.offer("b1", "bob", Priority.NORMAL);
        DispatchQueue.Taken<String> first = queue.take(0, TimeUnit.MILLISECONDS);
        assertThat(first.value()).isEqualTo("a2");
        DispatchQueue.Taken<String> second = queue.take(0, TimeUnit.MILLISECONDS);
        assertThat(second.value()).isEqualTo("b1");
        assertThat(queue.take(0, TimeUnit.MILLISECONDS)).as("alice is busy").isNull();
        queue.done("alice");
        assertThat(queue.take(0, TimeUnit.MILLISECONDS).value()).isEqualTo("a1");
    }

    @Test
    void marksMessagesOlderThanTheirClassTtlAsExpired() throws Exception {
        QueuePolicy policy = policy(100, 100).withTtl(Priority.LOW, Duration.ofMillis(50));
        DispatchQueue<String> queue = queue(policy);
        queue.offer("stale", "a", Priority.LOW);
        queue.offer("fresh-enough", "b", Priority.NORMAL);
        now.addAndGet(Duration.ofMillis(60).toNanos());
        DispatchQueue.Taken<String> normal = takeAndRelease(queue);
        DispatchQueue.Taken<String> low = takeAndRelease(queue);
        assertThat(normal.expired()).isFalse();
        assertThat(low.expired()).isTrue();
        assertThat(low.waitedNanos()).isEqualTo(Duration.ofMillis(60).toNanos());
        assertThat(queue.expiredCount(Priority.LOW)).isEqualTo(1);
    }

    @Test
    void refusesPastItsCapacityAndPastAUsersShare() {
        DispatchQueue<String> queue = queue(policy(3, 2));
        assertThat(queue.offer("1", "a", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.QUEUED);
        assertThat(queue.offer("2", "a", Priority.LOW)).isEqualTo(DispatchQueue.Offer.QUEUED);
        assertThat(queue.offer("3", "a", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.USER_FULL);
        assertThat(queue.offer("4", "b", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.QUEUED);
        assertThat(queue.offer("5", "c", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.FULL);
        assertThat(queue.depth(Priority.NORMAL)).isEqualTo(2);
        assertThat(queue.depth(Priority.LOW)).isEqualTo(1);
    }

    @Test
    void anOperatorMayGiveOneUserLessRoomAndGiveItBack() {
        DispatchQueue<String> queue = queue(policy(10, 5));
        queue.limitUser("a", 1);
        assertThat(queue.offer("1", "a", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.QUEUED);
        assertThat(queue.offer("2", "a", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.USER_FULL);
        assertThat(queue.offer("3", "b", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.QUEUED);
        assertThat(queue.offer("4", "b", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.QUEUED);
        queue.limitUser("a", null);
        assertThat(queue.offer("5", "a", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.QUEUED);
    }

    @Test
    void boundsAndTtlsChangeAtRuntime() throws Exception {
        DispatchQueue<String> queue = queue(policy(10, 10));
        queue.offer("1", "a", Priority.NORMAL);
        queue.policy(policy(1, 10).withTtl(Priority.NORMAL, Duration.ofMillis(5)));
        assertThat(queue.offer("2", "b", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.FULL);
        now.addAndGet(Duration.ofMillis(6).toNanos());
        assertThat(takeAndRelease(queue).expired()).isTrue();
    }

    @Test
    void forgettingIdleUsersKeepsWhatQueuedAndBusyUsersHold() throws Exception {
        DispatchQueue<String> queue = queue(policy(100_000, 1));
        queue.offer("w1", "w", Priority.LOW);
        queue.offer("b1", "b", Priority.NORMAL);
        assertThat(queue.take(0, TimeUnit.MILLISECONDS).value()).isEqualTo("b1");
        for (int i = 0; i < 5_000; i++) { // each a user of its own, idle once done: swept several times
            queue.offer("once-" + i, "once-" + i, Priority.NORMAL);
            assertThat(takeAndRelease(queue).value()).isEqualTo("once-" + i);
        }
        assertThat(queue.offer("w2", "w", Priority.LOW)).as("w still holds w1").isEqualTo(DispatchQueue.Offer.USER_FULL);
        assertThat(queue.offer("b2", "b", Priority.NORMAL)).isEqualTo(DispatchQueue.Offer.QUEUED);
        assertThat(takeAndRelease(queue).value()).as("b is still busy with b1").isEqualTo("w1");
        queue.done("b");
        assertThat(takeAndRelease(queue).value()).isEqualTo("b2");
        assertThat(queue.size()).isZero();
    }

    @Test
    void aMessageIsHandledAtOnceOnlyWhenItsUserHasNothingQueuedOrUnderWay() throws Exception {
        DispatchQueue<String> queue = queue(policy(100, 100));
        assertThat(queue.tryHandleNow("a")).isTrue();
        assertThat(queue.tryHandleNow("a")).as("a's first is under way").isFalse();
        queue.offer("a2", "a", Priority.NORMAL);
        assertThat(queue.take(0, TimeUnit.MILLISECONDS)).as("a is busy until done").isNull();
        queue.done("a");
        assertThat(queue.tryHandleNow("a")).as("a2 is queued: a third must wait behind it").isFalse();
        assertThat(takeAndRelease(queue).value()).isEqualTo("a2");
        assertThat(queue.tryHandleNow("a")).isTrue();
        queue.done("a");

        DispatchQueue<String> starting = new DispatchQueue<>(policy(10, 10), now::get, true);
        assertThat(starting.tryHandleNow("b")).as("held while paused").isFalse();
        starting.resume();
        assertThat(starting.tryHandleNow("b")).isTrue();
        starting.limitUser("squeezed", 0);
        assertThat(starting.tryHandleNow("squeezed")).as("an operator's squeeze applies in the queue").isFalse();
        starting.limitUser("squeezed", null);
        assertThat(starting.tryHandleNow("squeezed")).isTrue();
        starting.close();
        assertThat(starting.tryHandleNow("c")).as("closed").isFalse();
    }

    @Test
    void holdsEverythingWhilePaused() throws Exception {
        DispatchQueue<String> queue = new DispatchQueue<>(policy(10, 10), now::get, true);
        queue.offer("held", "a", Priority.CRITICAL);
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isNull();
        queue.resume();
        assertThat(queue.take(10, TimeUnit.MILLISECONDS).value()).isEqualTo("held");
    }

    @Test
    void keepsEachUsersOrderUnderConcurrentProducersAndWorkers() throws Exception {
        DispatchQueue<String> queue = new DispatchQueue<>(policy(100_000, 10_000), System::nanoTime, false);
        int producers = 4;
        int perProducer = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers + 3);
        Map<String, List<Integer>> seen = Collections.synchronizedMap(new HashMap<>());
        CountDownLatch consumed = new CountDownLatch(producers * perProducer);
        for (int w = 0; w < 3; w++) {
            pool.execute(() -> {
                try {
                    while (consumed.getCount() > 0) {
                        DispatchQueue.Taken<String> taken = queue.take(50, TimeUnit.MILLISECONDS);
                        if (taken == null) {
                            continue;
                        }
                        String[] parts = taken.value().split(":");
                        seen.computeIfAbsent(parts[0], u -> Collections.synchronizedList(new ArrayList<>()))
                                .add(Integer.parseInt(parts[1]));
                        queue.done(taken.userId());
                        consumed.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (int p = 0; p < producers; p++) {
            String user = "user-" + p;
            pool.execute(() -> {
                for (int i = 0; i < perProducer; i++) {
                    while (queue.offer(user + ":" + i, user, Priority.NORMAL) != DispatchQueue.Offer.QUEUED) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
        assertThat(consumed.await(30, TimeUnit.SECONDS)).isTrue();
        pool.shutdownNow();
        assertThat(seen).hasSize(producers);
        seen.values().forEach(order -> assertThat(order).hasSize(perProducer).isSorted());
        assertThat(queue.size()).isZero();
    }
}
