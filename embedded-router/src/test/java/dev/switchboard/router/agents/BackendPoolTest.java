package dev.switchboard.router.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendPoolTest {
    private final Clock clock = Clock.systemUTC();

    private static AgentBackend backend(String name) {
        return TestBackends.idle(name, 1, Duration.ofMillis(100));
    }

    private final AgentBackend stable = backend("stable");
    private final AgentBackend canary = backend("canary");
    private final Rollout rollout = new Rollout(Rollout.off(clock.instant()),
            new SlaGuard.Thresholds(Duration.ofSeconds(60), Duration.ofMillis(50), 0.99, 5), clock);
    private final BackendPool pool = new BackendPool(List.of(stable, canary), new BackendStrategy.RoundRobin(), rollout);

    @Test
    void offKeepsTheCandidateOutOfTheStablePoolOnceNamed() {
        assertThat(pool.select("u", "r", null).primary()).isIn(stable, canary);
        pool.rollout(Rollout.Mode.PARTIAL, "canary", 0);
        pool.rollout(Rollout.Mode.OFF, null, 0);
        for (int i = 0; i < 10; i++) {
            assertThat(pool.select("u" + i, "r" + i, null).primary()).isSameAs(stable);
        }
    }

    @Test
    void partialSendsAStableShareOfUsersToTheCandidate() {
        pool.rollout(Rollout.Mode.PARTIAL, "canary", 30);
        int onCanary = 0;
        for (int i = 0; i < 1000; i++) {
            String user = "user-" + i;
            AgentBackend first = pool.select(user, "r1", null).primary();
            assertThat(pool.select(user, "r2", null).primary()).isSameAs(first);
            onCanary += first == canary ? 1 : 0;
        }
        assertThat(onCanary).isBetween(230, 370);
    }

    @Test
    void shadowServesFromStableAndCopiesAShareOfRunsToTheCandidate() {
        pool.rollout(Rollout.Mode.SHADOW, "canary", 100);
        BackendPool.Selection selection = pool.select("u", "r", null);
        assertThat(selection.primary()).isSameAs(stable);
        assertThat(selection.shadow()).isSameAs(canary);
    }

    @Test
    void fullFallsBackToStableWhileTheCandidateIsUnhealthy() {
        pool.rollout(Rollout.Mode.FULL, "canary", 100);
        assertThat(pool.select("u", "r", null).primary()).isSameAs(canary);
        canary.breaker().transitionToOpenState();
        assertThat(pool.select("u", "r", null).primary()).isSameAs(stable);
        stable.breaker().transitionToOpenState();
        assertThat(pool.select("u", "r", null).primary()).isNull();
    }

    @Test
    void aNamedHealthyBackendServesDirectly() {
        assertThat(pool.select("u", "r", "canary").primary()).isSameAs(canary);
        assertThat(pool.select("u", "r", "planner").primary()).isIn(stable, canary);
    }

    @Test
    void rollsBackWhenTheGuardFindsABreachAndRecordsWhy() {
        List<Rollout.Transition> seen = new ArrayList<>();
        rollout.onTransition(seen::add);
        pool.rollout(Rollout.Mode.FULL, "canary", 100);
        for (int i = 0; i < 5; i++) {
            pool.recordOutcome(canary, 10, false);
        }
        assertThat(rollout.state().mode()).isEqualTo(Rollout.Mode.OFF);
        assertThat(rollout.state().rollbackReason()).contains("success rate 0.0%");
        assertThat(seen).extracting(Rollout.Transition::kind).containsExactly("change", "rollback");
        assertThat(rollout.transitionCount("rollback")).isEqualTo(1);
        Set<AgentBackend> primaries = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            primaries.add(pool.select("u" + i, "r" + i, null).primary());
        }
        assertThat(primaries).containsExactly(stable);
    }

    @Test
    void anExplainedChoiceIsTheSameChoiceAndSaysWhy() {
        BackendPool sticky = new BackendPool(List.of(stable, canary), new BackendStrategy.UserSticky(), rollout);
        for (Rollout.Mode mode : Rollout.Mode.values()) { // off first: no candidate yet
            sticky.rollout(mode, "canary", 30);
            for (int i = 0; i < 200; i++) {
                String user = "user-" + i;
                BackendPool.Selection plain = sticky.select(user, "run-" + i, null);
                BackendPool.Selection explained = sticky.select(user, "run-" + i, null, true);
                assertThat(plain.decision()).isNull();
                assertThat(explained.primary()).isSameAs(plain.primary());
                assertThat(explained.shadow()).isSameAs(plain.shadow());
                BackendDecision why = explained.decision();
                assertThat(why.chosen()).isEqualTo(plain.primary().name());
                assertThat(why.rollout().mode()).isEqualTo(mode.wire());
                String decision = why.rollout().decision();
                // off, before any candidate was named: canary is then one of the stable backends
                boolean toCandidate = mode != Rollout.Mode.OFF && plain.primary() == canary;
                assertThat(decision.equals("candidate")).isEqualTo(toCandidate);
                assertThat(decision.equals("shadow")).isEqualTo(plain.shadow() != null);
                assertThat(why.why()).isEqualTo(toCandidate ? BackendDecision.ROLLOUT : BackendDecision.STRATEGY);
                if (mode == Rollout.Mode.PARTIAL || mode == Rollout.Mode.SHADOW) {
                    String key = mode == Rollout.Mode.PARTIAL ? user : "run-" + i;
                    assertThat(why.rollout().bucket()).isEqualTo(BackendPool.bucket(key));
                }
            }
        }
    }

    @Test
    void anExplainedChoiceNamesTheCandidatesAndTheStickyHome() {
        BackendPool sticky = new BackendPool(List.of(stable, canary), new BackendStrategy.UserSticky(), rollout);
        stable.started();
        BackendDecision why = sticky.select("alice", "r", null, true).decision();
        assertThat(why.strategy()).isEqualTo("user_sticky");
        assertThat(why.candidates()).containsExactly(new BackendDecision.Candidate("stable", true, 1, 0.0, 1),
                new BackendDecision.Candidate("canary", true, 0, 0.0, 1));
        assertThat(why.sticky().hash()).isEqualTo(BackendStrategy.UserSticky.hash("alice"));
        assertThat(why.sticky().mapsTo()).isEqualTo(why.chosen());

        canary.breaker().transitionToOpenState();
        BackendDecision retry = sticky.explainRetry("alice", stable).decision();
        assertThat(retry.chosen()).isNull();
        assertThat(retry.why()).isEqualTo(BackendDecision.NONE_HEALTHY);
        assertThat(retry.candidates()).extracting(BackendDecision.Candidate::name).containsExactly("canary");
        assertThat(sticky.retryFor("alice", stable)).isNull();
    }

    @Test
    void refusesAnUnknownCandidate() {
        assertThatThrownBy(() -> pool.rollout(Rollout.Mode.PARTIAL, "nope", 10))
                .hasMessageContaining("no backend named nope");
    }
}
