package dev.switchboard.router.agents;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Backends whose executor never answers, for tests of selection alone. */
final class TestBackends {

    private TestBackends() {
    }

    static AgentBackend idle(String name, int weight, Duration budget) {
        AgentExecutor executor = new AgentExecutor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<AgentResult> execute(AgentRequest request, AgentRunEvents events) {
                return new CompletableFuture<>();
            }
        };
        return new AgentBackend(name, executor, weight, budget, CircuitBreaker.ofDefaults(name));
    }
}
