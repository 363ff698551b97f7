package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.router.Router.State;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedThreads.class)
class RouterLifecycleTest {

    @Test
    void movesFromStartingToReadyOrDegradedAndNeverBackToStarting() {
        RouterLifecycle lifecycle = new RouterLifecycle();
        assertThat(lifecycle.state()).isEqualTo(State.NEW);
        assertThat(lifecycle.open(State.READY)).isFalse();
        lifecycle.beginStart();
        assertThat(lifecycle.state()).isEqualTo(State.STARTING);
        assertThat(lifecycle.open(State.DEGRADED)).isTrue();
        assertThat(lifecycle.openIfStarting(State.READY)).isFalse();
        assertThat(lifecycle.state()).isEqualTo(State.DEGRADED);
        assertThat(lifecycle.open(State.READY)).isTrue();
        assertThat(lifecycle.isReady()).isTrue();
    }

    @Test
    void startingTwiceOrAfterStopFailsClearly() {
        RouterLifecycle lifecycle = new RouterLifecycle();
        lifecycle.beginStart();
        assertThatThrownBy(lifecycle::beginStart).isInstanceOf(IllegalStateException.class)
                .hasMessage("router already started (starting)");
        assertThat(lifecycle.beginStop()).isTrue();
        assertThatThrownBy(lifecycle::beginStart).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already stopped");
        lifecycle.stopped();
        assertThatThrownBy(lifecycle::beginStart).hasMessageContaining("already stopped");
    }

    @Test
    void onceStoppingTheGateNeverOpensAndStopHappensOnce() {
        RouterLifecycle lifecycle = new RouterLifecycle();
        lifecycle.beginStart();
        assertThat(lifecycle.beginStop()).isTrue();
        assertThat(lifecycle.beginStop()).isFalse();
        assertThat(lifecycle.open(State.READY)).isFalse();
        assertThat(lifecycle.openIfStarting(State.DEGRADED)).isFalse();
        assertThat(lifecycle.state()).isEqualTo(State.STOPPING);
        lifecycle.stopped();
        assertThat(lifecycle.beginStop()).isFalse();
        assertThat(lifecycle.state()).isEqualTo(State.STOPPED);
    }

    @Test
    void ofManyConcurrentStartsExactlyOneWins() throws Exception {
        RouterLifecycle lifecycle = new RouterLifecycle();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(threads.submit(() -> {
                    go.await();
                    try {
                        lifecycle.beginStart();
                        return true;
                    } catch (IllegalStateException e) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> attempt : attempts) {
                won += attempt.get(5, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRouterStartsOnceAndStopsIdempotently() {
        Router router = TestRouters.start(config -> config.httpPort(-1));
        assertThat(router.state()).isEqualTo(State.READY);
        assertThatThrownBy(router::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("router already started (ready)");
        router.stop();
        router.stop();
        assertThat(router.state()).isEqualTo(State.STOPPED);
        assertThatThrownBy(router::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already stopped");
    }

    @Test
    void aRouterNeverStartedStopsAndReleasesItsThreads() {
        Router router = Router.builder().config(TestRouters.config().build()).build();
        assertThat(router.state()).isEqualTo(State.NEW);
        assertThatThrownBy(router::port).hasMessage("router not started");
        router.close();
        assertThat(router.state()).isEqualTo(State.STOPPED);
    }
}
