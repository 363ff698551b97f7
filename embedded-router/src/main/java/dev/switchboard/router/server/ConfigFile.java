package dev.switchboard.router.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.protection.RateLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code router.yaml}: every key optional, unknown keys refused (a typo should not pass silently).
 * Keys are snake_case; durations carry their unit in the key ({@code _ms}, {@code _seconds}).
 * See {@code src/docs/configuration.md}.
 */
public record ConfigFile(String host, Integer port, Integer httpPort, Boolean devAuth, Integer idleTimeoutSeconds,
                         Integer softFrameBytes, Integer hardFrameBytes, Integer outboxFrames,
                         Integer startupGraceMs, Integer messageTtlMs, Integer startupBacklog,
                         Integer runTimeoutSeconds, Integer maxRunsInFlight, Agent agent, RateLimitsFile rateLimits) {

    /** The {@code agent:} section: the simulated agent's behaviour. */
    public record Agent(Integer stepMs, Integer thinkingSteps, Integer tools, Double failureRate, Integer warmupMs) {

        SimulatedAgent.Settings applyTo(SimulatedAgent.Settings base) {
            return new SimulatedAgent.Settings(base.name(),
                    stepMs != null ? Duration.ofMillis(stepMs) : base.stepDelay(),
                    thinkingSteps != null ? thinkingSteps : base.thinkingSteps(),
                    tools != null ? tools : base.toolCount(),
                    failureRate != null ? failureRate : base.failureRate(),
                    warmupMs != null ? Duration.ofMillis(warmupMs) : base.warmUp(),
                    base.seed());
        }
    }

    /** The {@code rate_limits:} section. */
    public record RateLimitsFile(Limit messages, Limit liveness) {
    }

    /** One token bucket. */
    public record Limit(Long perMinute, Long burst) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads a YAML file; an empty file is an empty configuration. */
    public static ConfigFile read(Path path) throws IOException {
        ConfigFile file = YAML.readValue(path.toFile(), ConfigFile.class);
        return file == null ? empty() : file;
    }

    public static ConfigFile empty() {
        return new ConfigFile(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    /** A builder holding {@code base} with every key the file sets applied over it. */
    public RouterConfig.Builder applyTo(RouterConfig base) {
        RouterConfig.Builder builder = base.toBuilder();
        if (host != null) {
            builder.host(host);
        }
        if (port != null) {
            builder.port(port);
        }
        if (httpPort != null) {
            builder.httpPort(httpPort);
        }
        if (devAuth != null) {
            builder.devAuth(devAuth);
        }
        if (idleTimeoutSeconds != null) {
            builder.idleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
        }
        if (softFrameBytes != null) {
            builder.softFrameLimit(softFrameBytes);
        }
        if (hardFrameBytes != null) {
            builder.hardFrameLimit(hardFrameBytes);
        }
        if (outboxFrames != null) {
            builder.outboxLimit(outboxFrames);
        }
        if (startupGraceMs != null) {
            builder.startupGrace(Duration.ofMillis(startupGraceMs));
        }
        if (messageTtlMs != null) {
            builder.messageTtl(Duration.ofMillis(messageTtlMs));
        }
        if (startupBacklog != null) {
            builder.startupBacklog(startupBacklog);
        }
        if (runTimeoutSeconds != null) {
            builder.runTimeout(Duration.ofSeconds(runTimeoutSeconds));
        }
        if (maxRunsInFlight != null) {
            builder.maxRunsInFlight(maxRunsInFlight);
        }
        if (agent != null) {
            builder.agent(agent.applyTo(base.agent()));
        }
        if (rateLimits != null) {
            builder.messageLimits(merge(rateLimits.messages(), base.messageLimits()));
            builder.livenessLimits(merge(rateLimits.liveness(), base.livenessLimits()));
        }
        return builder;
    }

    private static RateLimits merge(Limit limit, RateLimits base) {
        if (limit == null) {
            return base;
        }
        return new RateLimits(limit.perMinute() != null ? limit.perMinute() : base.perMinute(),
                limit.burst() != null ? limit.burst() : base.burst());
    }
}
