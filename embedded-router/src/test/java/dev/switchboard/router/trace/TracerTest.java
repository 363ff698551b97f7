package dev.switchboard.router.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.router.monitor.wire.TraceStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which messages are traced, how many traces are kept, and what a trace says. */
class TracerTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private static MessageTrace traced(Tracer tracer, String user, String messageId) {
        MessageTrace trace = tracer.start(user, "c-1", 20, System.nanoTime());
        trace.message("ping", messageId);
        trace.step("decode", trace.startNanos(), Map.of("verdict", "ok"));
        trace.done();
        return trace;
    }

    @Test
    void keepsTheLastTracesOnlyAndFindsAUsersMessageNewestFirst() {
        Tracer tracer = new Tracer(1.0, 3, clock);
        for (int i = 1; i <= 5; i++) {
            traced(tracer, "alice", "m-" + i);
        }
        traced(tracer, "bob", "m-5");

        assertThat(tracer.size()).isEqualTo(3);
        assertThat(tracer.find("alice", "m-1", null)).isEmpty(); // dropped from the ring
        assertThat(tracer.find("alice", "m-5", null)).singleElement().satisfies(record -> {
            assertThat(record.userId()).isEqualTo("alice");
            assertThat(record.type()).isEqualTo("ping");
            assertThat(record.steps()).extracting(TraceStep::step).containsExactly("decode");
        });
        assertThat(tracer.find("carol", "m-5", null)).isEmpty(); // another user's message: nothing
    }

    /** {@code messages} frames of {@code user} arriving, traced or not as the tracer decides. */
    private static void startMessages(Tracer tracer, String user, int messages) {
        for (int i = 0; i < messages; i++) {
            tracer.start(user, "c-1", 20, System.nanoTime());
        }
    }

    @Test
    void tracesAtMostPerSecondOfTheSampledMessagesButEveryMessageOfATracedUser() {
        Tracer tracer = new Tracer(1.0, 3, 100, clock);
        startMessages(tracer, "alice", 5);
        assertThat(tracer.size()).isEqualTo(3);
        assertThat(tracer.overBudget()).isEqualTo(2);

        tracer.traceUser("bob", Duration.ofMinutes(1));
        for (int i = 1; i <= 5; i++) {
            assertThat(tracer.start("bob", "c-2", 20, System.nanoTime())).as("an operator's trace_user").isNotNull();
        }
        assertThat(tracer.start("alice", "c-1", 20, System.nanoTime())).isNull();

        now.set(now.get().plusMillis(340)); // a third of a second refills one
        assertThat(tracer.start("alice", "c-1", 20, System.nanoTime())).isNotNull();
        assertThat(tracer.start("alice", "c-1", 20, System.nanoTime())).isNull();
        now.set(now.get().plusSeconds(5)); // never more than a second's worth
        startMessages(tracer, "alice", 5);
        assertThat(tracer.size()).isEqualTo(3 + 5 + 1 + 3);
        assertThat(tracer.overBudget()).isEqualTo(2 + 1 + 1 + 2);
    }

    @Test
    void withNoBoundEverySampledMessageIsTraced() {
        Tracer tracer = new Tracer(1.0, 0, 1_000, clock);
        startMessages(tracer, "alice", 500);
        assertThat(tracer.size()).isEqualTo(500);
        assertThat(tracer.overBudget()).isZero();
        assertThatThrownBy(() -> new Tracer(1.0, -1, 10, clock)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTraceIsKeptFromItsArrivalAndSaysWhetherItsMessageIsDone() {
        Tracer tracer = new Tracer(1.0, 10, clock);
        MessageTrace trace = tracer.start("alice", "c-1", 20, System.nanoTime());
        trace.message("user_message", "m-1");
        assertThat(tracer.find("alice", "m-1", null)).singleElement()
                .satisfies(record -> assertThat(record.done()).isFalse());
        trace.run("run-1");
        trace.done();
        trace.done();
        assertThat(tracer.size()).isEqualTo(1);
        assertThat(tracer.find("alice", null, "run-1")).singleElement()
                .satisfies(record -> assertThat(record.done()).isTrue());
    }

    @Test
    void aTraceKeepsItsFirstStepsAndCountsTheRest() {
        Tracer tracer = new Tracer(1.0, 10, clock);
        MessageTrace trace = tracer.start("alice", "c-1", 20, System.nanoTime());
        for (int i = 0; i < MessageTrace.MAX_STEPS + 5; i++) {
            trace.step("reply", trace.startNanos(), Map.of());
        }
        assertThat(trace.record().steps()).hasSize(MessageTrace.MAX_STEPS);
        assertThat(trace.record().droppedSteps()).isEqualTo(5);
    }

    @Test
    void aStepKeepsItsDetailInOrderAndItsTimesAndStepsAreListedByWhenTheyBegan() {
        Tracer tracer = new Tracer(1.0, 10, clock);
        long arrived = System.nanoTime() - 5_000_000;
        MessageTrace trace = tracer.start("alice", "c-1", 20, arrived);
        Map<String, Object> limits = new java.util.LinkedHashMap<>();
        limits.put("user", "ok");
        limits.put("connection", "ok");
        Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("validation", "passed");
        detail.put("rate_limit", limits);
        detail.put("admitted", true);
        trace.step("protection", arrived + 2_000_000, detail);
        trace.step("decode", arrived, Map.of("verdict", "ok"));
        trace.step("reply", arrived + 4_000_000, null);
        detail.put("validation", "changed later"); // the trace keeps what the step said

        List<TraceStep> steps = trace.record().steps();

        assertThat(steps).extracting(TraceStep::step).containsExactly("decode", "protection", "reply");
        assertThat(steps.get(1).detail()).containsExactly(Map.entry("validation", "passed"),
                Map.entry("rate_limit", limits), Map.entry("admitted", true));
        assertThat(List.copyOf(((Map<?, ?>) steps.get(1).detail().get("rate_limit")).entrySet()))
                .isEqualTo(List.of(Map.entry("user", "ok"), Map.entry("connection", "ok")));
        assertThat(steps.get(2).detail()).isNull();
        assertThat(steps.get(1).atMs()).isEqualTo(2.0);
        assertThat(steps.get(0).ms()).isGreaterThanOrEqualTo(5.0);
        assertThat(trace.record().totalMs()).isGreaterThanOrEqualTo(5.0);
    }

    @Test
    void nothingIsSampledAtZeroButAUserAnOperatorTracesIsUntilItsTimeRunsOut() {
        Tracer tracer = new Tracer(0.0, 10, clock);
        assertThat(tracer.start("alice", "c-1", 10, System.nanoTime())).isNull();

        Instant until = tracer.traceUser("alice", Duration.ofMinutes(10));
        assertThat(until).isEqualTo(now.get().plus(Duration.ofMinutes(10)));
        assertThat(tracer.start("alice", "c-1", 10, System.nanoTime())).isNotNull();
        assertThat(tracer.start("bob", "c-2", 10, System.nanoTime())).isNull();
        assertThat(tracer.tracedUsers()).containsOnlyKeys("alice");

        now.set(until);
        assertThat(tracer.start("alice", "c-1", 10, System.nanoTime())).isNull();
        assertThat(tracer.tracedUsers()).isEmpty();

        assertThat(tracer.traceUser("bob", Duration.ofDays(1))).isEqualTo(now.get().plus(Tracer.MAX_USER_TRACE));
        assertThat(tracer.traceUser("bob", Duration.ZERO)).isNull();
        assertThat(tracer.start("bob", "c-2", 10, System.nanoTime())).isNull();
    }

    @Test
    void atMostAHundredUsersAreTracedAtOnce() {
        Tracer tracer = new Tracer(0.0, 10, clock);
        for (int i = 0; i < Tracer.MAX_TRACED_USERS; i++) {
            tracer.traceUser("u-" + i, Duration.ofMinutes(1));
        }
        assertThatThrownBy(() -> tracer.traceUser("one-more", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalStateException.class);
        tracer.traceUser("u-0", Duration.ofMinutes(2)); // a user traced already may be traced longer
        now.set(now.get().plus(Duration.ofMinutes(1)));
        assertThat(tracer.traceUser("one-more", Duration.ofMinutes(1))).isNotNull(); // the expired ones went
    }

    @Test
    void stepsAreInTheOrderTheyBeganWhicheverThreadAddedThemFirst() {
        Tracer tracer = new Tracer(1.0, 10, clock);
        MessageTrace trace = tracer.start("alice", "c-1", 10, System.nanoTime());
        long later = System.nanoTime() + 1_000_000;
        trace.step("dequeued", later, Map.of());
        trace.step("enqueued", trace.startNanos(), Map.of());
        assertThat(trace.record().steps()).extracting(TraceStep::step).containsExactly("enqueued", "dequeued");
    }
}
