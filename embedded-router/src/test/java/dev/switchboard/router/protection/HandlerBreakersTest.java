package dev.switchboard.router.protection;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.EventProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Handler breakers are called for every message, so they carry no Resilience4j event consumer
 * (which would make it build an event for every success); their transitions are still published,
 * once each, as the calls that cause them return.
 */
class HandlerBreakersTest {
    private final Breakers breakers = new Breakers(new BreakerPolicy(50f, 4, 4, Duration.ofMillis(50), 1));
    private final HandlerBreakers handlers = new HandlerBreakers(breakers);
    private final List<Breakers.Transition> heard = new CopyOnWriteArrayList<>();

    HandlerBreakersTest() {
        breakers.onTransition(heard::add);
    }

    private List<String> heard() {
        return heard.stream().map(transition -> transition.breaker() + " " + transition.from() + "->" + transition.to()).toList();
    }

    @Test
    void publishesEachTransitionAsTheCallThatCausedItReturns() {
        for (int i = 0; i < 4; i++) {
            assertThat(handlers.tryAcquire("ping")).isTrue();
            handlers.failed("ping", 1_000, new IllegalStateException("boom"));
        }

        assertThat(heard()).containsExactly("handler:ping closed->open");
        assertThat(handlers.tryAcquire("ping")).isFalse();

        // after its open time (50 ms) the breaker lets one probe through
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> handlers.tryAcquire("ping"));
        handlers.succeeded("ping", 1_000);

        assertThat(heard()).containsExactly("handler:ping closed->open", "handler:ping open->half_open",
                "handler:ping half_open->closed");
        assertThat(breakers.transitionCount()).isEqualTo(3);
    }

    @Test
    void aHandlerBreakerHasNoEventConsumerSoASuccessBuildsNoEvent() {
        handlers.succeeded("ping", 1_000);
        CircuitBreaker breaker = breakers.watchedBreaker("handler:ping");

        assertThat(((EventProcessor<?>) breaker.getEventPublisher()).hasConsumers()).isFalse();
        // a breaker called once per run keeps Resilience4j's transition events
        assertThat(((EventProcessor<?>) breakers.breaker("backend:sim").getEventPublisher()).hasConsumers()).isTrue();
    }

    @Test
    void successesPublishNothing() {
        for (int i = 0; i < 1_000; i++) {
            handlers.tryAcquire("ping");
            handlers.succeeded("ping", 1_000);
        }

        assertThat(heard).isEmpty();
        assertThat(breakers.transitionCount()).isZero();
    }

    @Test
    void operatorForcesAndExpiriesArePublished() {
        handlers.succeeded("ping", 1_000);

        Breakers.Forced forced = breakers.force("handler:ping", Breakers.Force.FORCE_OPEN, Instant.now().plusSeconds(60), "op");
        assertThat(breakers.expire("handler:ping", forced)).isTrue();

        assertThat(heard()).containsExactly("handler:ping closed->forced_open", "handler:ping forced_open->closed");
    }

    @Test
    void aChangeMadeBehindItsBackIsFoundByThePoll() {
        CircuitBreaker breaker = breakers.watchedBreaker("handler:ping");
        breaker.transitionToOpenState();
        assertThat(heard).isEmpty();

        breakers.pollWatched();
        breakers.pollWatched();

        assertThat(heard()).containsExactly("handler:ping closed->open");
    }
}
