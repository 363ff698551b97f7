package dev.switchboard.router.agents;

import dev.switchboard.router.agents.http.HttpBackendSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * An agent backend as configured: its name, weight and latency budget, and what serves its runs:
 * the simulated agent ({@code kind: simulated}, the default) or an HTTP service ({@code kind: http}).
 *
 * @param name     unique among the backends
 * @param weight   share for the weighted strategy
 * @param budget   latency the backend is allowed; the SLA guard adds the router's overhead
 * @param settings the simulated agent's behaviour, or null for an http backend
 * @param http     the HTTP service, or null for a simulated backend
 */
public record BackendSpec(String name, int weight, Duration budget, SimulatedAgent.Settings settings,
                          HttpBackendSettings http) {
    public BackendSpec {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(budget, "budget must not be null");
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1");
        }
        if ((settings == null) == (http == null)) {
            throw new IllegalArgumentException("backend " + name + " needs either simulated settings or an http service");
        }
        if (settings != null && !settings.name().equals(name)) {
            throw new IllegalArgumentException("backend " + name + " has simulated settings named " + settings.name());
        }
    }

    /** A simulated backend named as its settings. */
    public BackendSpec(SimulatedAgent.Settings settings, int weight, Duration budget) {
        this(Objects.requireNonNull(settings, "settings must not be null").name(), weight, budget, settings, null);
    }

    /** A backend served by an HTTP service. */
    public static BackendSpec http(String name, HttpBackendSettings http, int weight, Duration budget) {
        return new BackendSpec(name, weight, budget, null, Objects.requireNonNull(http, "http must not be null"));
    }

    /** {@code simulated} or {@code http}, as in router.yaml. */
    public String kind() {
        return http != null ? "http" : "simulated";
    }
}
