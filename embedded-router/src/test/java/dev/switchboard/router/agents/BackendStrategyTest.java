package dev.switchboard.router.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendStrategyTest {

    private static AgentBackend backend(String name, int weight) {
        return TestBackends.idle(name, weight, Duration.ofSeconds(1));
    }

    private static Map<String, Integer> spread(BackendStrategy strategy, List<AgentBackend> backends, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(strategy.choose(backends, backends, "user-" + i).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinSpreadsEvenly() {
        List<AgentBackend> backends = List.of(backend("a", 1), backend("b", 1), backend("c", 1));
        assertThat(spread(BackendStrategy.named("round_robin"), backends, 300))
                .containsEntry("a", 100).containsEntry("b", 100).containsEntry("c", 100);
    }

    @Test
    void weightedSpreadsInProportionToWeights() {
        List<AgentBackend> backends = List.of(backend("a", 3), backend("b", 2), backend("c", 1));
        assertThat(spread(BackendStrategy.named("weighted"), backends, 600))
                .containsEntry("a", 300).containsEntry("b", 200).containsEntry("c", 100);
    }

    @Test
    void leastLoadedPrefersFewerRunsWeighedByLatency() {
        AgentBackend fast = backend("fast", 1);
        AgentBackend slow = backend("slow", 1);
        BackendStrategy strategy = BackendStrategy.named("least_loaded");
        fast.started();
        assertThat(strategy.choose(List.of(fast, slow), List.of(fast, slow), "u").name()).isEqualTo("slow");
        fast.finished(100, false);
        slow.started();
        slow.finished(400, false);
        fast.started();
        // fast: (1 + 1) * 1.0 = 2; slow: (0 + 1) * 4.0 = 4
        assertThat(strategy.choose(List.of(fast, slow), List.of(fast, slow), "u").name()).isEqualTo("fast");
    }

    @Test
    void userStickyKeepsAUserOnOneBackendAndMovesOnlyTheUsersOfAnUnhealthyOne() {
        List<AgentBackend> all = List.of(backend("a", 1), backend("b", 1), backend("c", 1));
        BackendStrategy strategy = BackendStrategy.named("user_sticky");
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String user = "user-" + i;
            String chosen = strategy.choose(all, all, user).name();
            assertThat(strategy.choose(all, all, user).name()).isEqualTo(chosen);
            before.put(user, chosen);
        }
        assertThat(before.values()).contains("a", "b", "c");
        List<AgentBackend> withoutB = List.of(all.get(0), all.get(2));
        for (Map.Entry<String, String> entry : before.entrySet()) {
            String after = strategy.choose(withoutB, all, entry.getKey()).name();
            if (!entry.getValue().equals("b")) {
                assertThat(after).as(entry.getKey()).isEqualTo(entry.getValue());
            } else {
                assertThat(after).isIn("a", "c");
            }
        }
    }
}
