package dev.switchboard.router.agents;

import java.time.Duration;
import java.util.Objects;

/**
 * A simulated backend as configured: its name, behaviour, weight and latency budget.
 *
 * @param settings the simulated agent's behaviour; its name is the backend's name
 * @param weight   share for the weighted strategy
 * @param budget   latency the backend is allowed; the SLA guard adds the router's overhead
 */
public record BackendSpec(SimulatedAgent.Settings settings, int weight, Duration budget) {
    public BackendSpec {
        Objects.requireNonNull(settings, "settings must not be null");
        Objects.requireNonNull(budget, "budget must not be null");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1");
        }
    }

    public String name() {
        return settings.name();
    }
}
