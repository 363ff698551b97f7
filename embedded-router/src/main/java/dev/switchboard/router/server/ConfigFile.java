package dev.switchboard.router.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.monitor.MonitorLimits;
import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.Rollout;
import dev.switchboard.router.agents.RolloutSpec;
import dev.switchboard.router.agents.SimulatedAgent;
import dev.switchboard.router.agents.SlaGuard;
import dev.switchboard.router.agents.http.HttpBackendSettings;
import dev.switchboard.router.cluster.ClusterSettings;
import dev.switchboard.router.protection.BreakerPolicy;
import dev.switchboard.router.protection.ClassificationRule;
import dev.switchboard.router.protection.Priority;
import dev.switchboard.router.protection.QueuePolicy;
import dev.switchboard.router.protection.RateLimitPolicy;
import dev.switchboard.router.protection.RateLimit;
import dev.switchboard.router.protection.ValidationPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code router.yaml}: every key optional, unknown keys refused (a typo should not pass silently).
 * Keys are snake_case; durations carry their unit in the key ({@code _ms}, {@code _seconds}).
 * See {@code src/docs/configuration.md} and {@code src/docs/routing-engine.md}.
 */
public record ConfigFile(String host, Integer port, Integer httpPort, Boolean devAuth, Integer idleTimeoutSeconds,
                         Integer softFrameBytes, Integer hardFrameBytes, Integer outboxFrames,
                         Integer startupGraceMs, Integer runTimeoutSeconds, Integer maxRunsInFlight, Agent agent,
                         RateLimitsFile rateLimits, Validation validation, List<Rule> classification, Queue queue,
                         Agents agents, Breakers breakers, Integer maxConnections, Integer maxConnectionsPerUser,
                         Integer maxPendingHandshakes, Integer handshakeTimeoutMs, Integer maxRequestLineBytes,
                         Integer maxHeaderBytes, Long outboxBytes, Long outboxTotalBytes, Integer socketSendBufferBytes, Integer closeGraceMs,
                         Integer ioThreads, Monitor monitor, Integer tokenClockSkewSeconds,
                         Integer maxTokenLifetimeSeconds, Cluster cluster, Trace trace, Integer warmupSeconds) {

    /** The {@code trace:} section: which messages are traced, how many a second at most, how many traces are kept. */
    public record Trace(Double sample, Integer perSecond, Integer ring) {
    }

    /**
     * The {@code cluster:} section: join a cluster of nodes over Redis. The password comes from
     * {@code SWITCHBOARD_REDIS_PASSWORD}, never from this file.
     */
    public record Cluster(String redis, String nodeId, Integer heartbeatMs, Integer nodeTtlMs, String advertiseHost) {
        ClusterSettings applyTo(ClusterSettings base) {
            ClusterSettings settings = base;
            if (redis != null) {
                settings = base == null ? ClusterSettings.on(redis)
                        : new ClusterSettings(ClusterSettings.parse(redis), base.nodeId(), base.heartbeat(),
                                base.nodeTtl(), base.advertiseHost());
            }
            if (settings == null) {
                throw new IllegalArgumentException("cluster needs redis: redis://HOST:PORT[/DB]");
            }
            if (nodeId != null) {
                settings = settings.withNodeId(nodeId);
            }
            if (advertiseHost != null) {
                settings = settings.withAdvertiseHost(advertiseHost);
            }
            return settings.withTimings(heartbeatMs == null ? null : Duration.ofMillis(heartbeatMs),
                    nodeTtlMs == null ? null : Duration.ofMillis(nodeTtlMs));
        }
    }

    /** The {@code monitor:} section: what each {@code /monitor} connection may ask and hold. */
    public record Monitor(Integer commandsPerSecond, Integer commandBurst, Long outboxBytes, Integer perUser,
                          Integer trafficPerUpdate, Integer runsPerUpdate, Integer snapshotConnections) {
        MonitorLimits applyTo(MonitorLimits base) {
            return new MonitorLimits(
                    commandsPerSecond != null ? commandsPerSecond : base.commandsPerSecond(),
                    commandBurst != null ? commandBurst : base.commandBurst(),
                    outboxBytes != null ? outboxBytes : base.outboxBytes(),
                    perUser != null ? perUser : base.perUser(),
                    trafficPerUpdate != null ? trafficPerUpdate : base.trafficPerUpdate(),
                    runsPerUpdate != null ? runsPerUpdate : base.runsPerUpdate(),
                    snapshotConnections != null ? snapshotConnections : base.snapshotConnections());
        }
    }

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
    public record RateLimitsFile(Limit messages, Limit connection, Limit liveness, Map<String, Limit> overrides) {

        RateLimitPolicy applyTo(RateLimitPolicy base) {
            Map<String, RateLimit> merged = new HashMap<>(base.overrides());
            if (overrides != null) {
                overrides.forEach((user, limit) -> merged.put(user, Limit.merge(limit, base.user())));
            }
            return new RateLimitPolicy(Limit.merge(messages, base.user()), Limit.merge(connection, base.connection()),
                    Limit.merge(liveness, base.liveness()), merged);
        }
    }

    /** One token bucket. */
    public record Limit(Long perMinute, Long burst) {
        static RateLimit merge(Limit limit, RateLimit base) {
            if (limit == null) {
                return base;
            }
            return new RateLimit(limit.perMinute() != null ? limit.perMinute() : base.perMinute(),
                    limit.burst() != null ? limit.burst() : base.burst());
        }
    }

    /** The {@code validation:} section. */
    public record Validation(Integer maxFields, Integer maxStringChars, String controlCharacters, Boolean rejectMarkup,
                             List<String> markupExemptTypes) {

        ValidationPolicy applyTo(ValidationPolicy base) {
            return new ValidationPolicy(
                    maxFields != null ? maxFields : base.maxFields(),
                    maxStringChars != null ? maxStringChars : base.maxStringChars(),
                    controlCharacters != null
                            ? ValidationPolicy.ControlCharacters.valueOf(controlCharacters.toUpperCase(Locale.ROOT))
                            : base.controlCharacters(),
                    rejectMarkup != null ? rejectMarkup : base.rejectMarkup(),
                    markupExemptTypes != null ? java.util.Set.copyOf(markupExemptTypes) : base.markupExemptTypes());
        }
    }

    /** One classification rule: {@code {type?, content_matches?, priority, label?}}. */
    public record Rule(String type, String contentMatches, String priority, String label) {
        ClassificationRule toRule() {
            if (priority == null) {
                throw new IllegalArgumentException("a classification rule needs a priority");
            }
            return new ClassificationRule(type, contentMatches == null ? null : Pattern.compile(contentMatches),
                    Priority.parse(priority), label);
        }
    }

    /** The {@code queue:} section. */
    public record Queue(Integer capacity, Integer perUser, Integer workers, Map<String, Long> ttlMs) {

        QueuePolicy applyTo(QueuePolicy base) {
            Map<Priority, Duration> ttl = new EnumMap<>(base.ttl());
            if (ttlMs != null) {
                ttlMs.forEach((priority, ms) -> ttl.put(Priority.parse(priority), Duration.ofMillis(ms)));
            }
            return new QueuePolicy(capacity != null ? capacity : base.capacity(),
                    perUser != null ? perUser : base.perUser(), workers != null ? workers : base.workers(), ttl);
        }
    }

    /** The {@code agents:} section: backends, strategy, rollout. */
    public record Agents(String strategy, List<Backend> backends, RolloutFile rollout) {
    }

    /**
     * One backend: {@code kind: simulated} (the default) with the simulated agent's keys, or
     * {@code kind: http} with the service's. A key of the other kind is refused, not ignored.
     */
    public record Backend(String name, String kind, Integer stepMs, Integer thinkingSteps, Integer tools,
                          Double failureRate, Integer warmupMs, Integer weight, Integer budgetMs, String url,
                          String healthUrl, Map<String, String> headersEnv, Timeouts timeouts, Integer maxInFlight) {
        BackendSpec toSpec(SimulatedAgent.Settings defaults, Function<String, String> environment) {
            if (name == null) {
                throw new IllegalArgumentException("every backend needs a name");
            }
            int share = weight != null ? weight : 1;
            Duration budget = Duration.ofMillis(budgetMs != null ? budgetMs : 2000);
            String where = "agents.backends[" + name + "]";
            if (kind == null || kind.equals("simulated")) {
                refuse(where, "simulated", Map.of("url", url != null, "health_url", healthUrl != null,
                        "headers_env", headersEnv != null, "timeouts", timeouts != null, "max_in_flight", maxInFlight != null));
                SimulatedAgent.Settings base = new SimulatedAgent.Settings(name, defaults.stepDelay(),
                        defaults.thinkingSteps(), defaults.toolCount(), defaults.failureRate(), defaults.warmUp(),
                        defaults.seed());
                return new BackendSpec(new Agent(stepMs, thinkingSteps, tools, failureRate, warmupMs).applyTo(base),
                        share, budget);
            }
            if (!kind.equals("http")) {
                throw new IllegalArgumentException(where + ".kind must be simulated or http, was '" + kind + "'");
            }
            refuse(where, "http", Map.of("step_ms", stepMs != null, "thinking_steps", thinkingSteps != null,
                    "tools", tools != null, "failure_rate", failureRate != null, "warmup_ms", warmupMs != null));
            if (url == null) {
                throw new IllegalArgumentException(where + ".url is required for kind http");
            }
            HttpBackendSettings http = HttpBackendSettings.of(uri(where + ".url", url))
                    .withHeaders(headers(where, environment));
            if (healthUrl != null) {
                http = http.withHealthUrl(uri(where + ".health_url", healthUrl));
            }
            if (timeouts != null) {
                http = timeouts.applyTo(http);
            }
            if (maxInFlight != null) {
                http = http.withMaxInFlight(maxInFlight);
            }
            return BackendSpec.http(name, http, share, budget);
        }

        /** Header values come from the environment, never from the file. */
        private Map<String, String> headers(String where, Function<String, String> environment) {
            Map<String, String> values = new LinkedHashMap<>();
            if (headersEnv == null) {
                return values;
            }
            headersEnv.forEach((header, variable) -> {
                String value = variable == null ? null : environment.apply(variable);
                if (value == null) {
                    throw new IllegalArgumentException(where + ".headers_env." + header + " names the environment "
                            + "variable " + variable + ", which is not set");
                }
                values.put(header, value);
            });
            return values;
        }

        private static void refuse(String where, String kind, Map<String, Boolean> present) {
            present.forEach((key, set) -> {
                if (set) {
                    throw new IllegalArgumentException(where + "." + key + " does not apply to kind " + kind);
                }
            });
        }

        private static URI uri(String where, String value) {
            try {
                return new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(where + " is not a URL: " + e.getMessage());
            }
        }
    }

    /** An http backend's {@code timeouts:}. */
    public record Timeouts(Integer connectMs, Integer firstEventMs, Integer idleMs, Integer totalMs) {
        HttpBackendSettings applyTo(HttpBackendSettings base) {
            return base.withTimeouts(millis(connectMs, base.connect()), millis(firstEventMs, base.firstEvent()),
                    millis(idleMs, base.idle()), millis(totalMs, base.total()));
        }

        private static Duration millis(Integer value, Duration otherwise) {
            return value == null ? otherwise : Duration.ofMillis(value);
        }
    }

    /** The {@code agents.rollout:} section. */
    public record RolloutFile(String mode, String candidate, Integer percent, Guard guard) {
        RolloutSpec applyTo(RolloutSpec base) {
            SlaGuard.Thresholds thresholds = guard == null ? base.thresholds() : guard.applyTo(base.thresholds());
            return new RolloutSpec(mode != null ? Rollout.Mode.parse(mode) : base.mode(),
                    candidate != null ? candidate : base.candidate(), percent != null ? percent : base.percent(),
                    thresholds);
        }
    }

    /** The SLA guard's thresholds. */
    public record Guard(Integer windowSeconds, Integer maxOverheadMs, Double minSuccessRate, Integer minSamples) {
        SlaGuard.Thresholds applyTo(SlaGuard.Thresholds base) {
            return new SlaGuard.Thresholds(
                    windowSeconds != null ? Duration.ofSeconds(windowSeconds) : base.window(),
                    maxOverheadMs != null ? Duration.ofMillis(maxOverheadMs) : base.maxOverhead(),
                    minSuccessRate != null ? minSuccessRate : base.minSuccessRate(),
                    minSamples != null ? minSamples : base.minSamples());
        }
    }

    /** The {@code breakers:} section. */
    public record Breakers(Float failureRatePercent, Integer window, Integer minimumCalls, Integer openMs,
                           Integer halfOpenProbes) {
        BreakerPolicy applyTo(BreakerPolicy base) {
            return new BreakerPolicy(failureRatePercent != null ? failureRatePercent : base.failureRatePercent(),
                    window != null ? window : base.window(), minimumCalls != null ? minimumCalls : base.minimumCalls(),
                    openMs != null ? Duration.ofMillis(openMs) : base.openFor(),
                    halfOpenProbes != null ? halfOpenProbes : base.halfOpenProbes());
        }
    }

    /** The shared mapper's configuration (snake_case, unknown keys refused) reading YAML. */
    private static final ObjectMapper YAML = Json.configured(YAMLMapper.builder())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Reads a YAML file; an empty file is an empty configuration. */
    public static ConfigFile read(Path path) throws IOException {
        ConfigFile file = YAML.readValue(path.toFile(), ConfigFile.class);
        return file == null ? empty() : file;
    }

    /**
     * {@code warmup_seconds}: how long {@code serve} warms the JVM up before it listens (see
     * {@link Warmup}), or null when the file does not say. Not a {@link RouterConfig} setting: an
     * embedder's JVM is warm or not by its own doing.
     *
     * @throws IllegalArgumentException when it is outside 0 to 300
     */
    Duration warmup() {
        if (warmupSeconds == null) {
            return null;
        }
        if (warmupSeconds < 0 || warmupSeconds > MAX_WARMUP_SECONDS) {
            throw new IllegalArgumentException("warmup_seconds must be 0 to " + MAX_WARMUP_SECONDS);
        }
        return Duration.ofSeconds(warmupSeconds);
    }

    /** The longest warm-up {@code warmup_seconds} or {@code --warmup} may ask for. */
    static final int MAX_WARMUP_SECONDS = 300;

    public static ConfigFile empty() {
        return new ConfigFile(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /**
     * A builder holding {@code base} with every key the file sets applied over it.
     *
     * @throws IllegalArgumentException when a value is out of range or a pattern does not compile
     */
    public RouterConfig.Builder applyTo(RouterConfig base) {
        return applyTo(base, System::getenv);
    }

    /**
     * As {@link #applyTo(RouterConfig)}, reading environment variables (an http backend's
     * {@code headers_env}) through {@code environment}.
     */
    public RouterConfig.Builder applyTo(RouterConfig base, Function<String, String> environment) {
        RouterConfig.Builder builder = base.toBuilder();
        set(host, builder::host);
        set(port, builder::port);
        set(httpPort, builder::httpPort);
        set(devAuth, builder::devAuth);
        set(idleTimeoutSeconds, seconds -> builder.idleTimeout(Duration.ofSeconds(seconds)));
        set(softFrameBytes, builder::softFrameLimit);
        set(hardFrameBytes, builder::hardFrameLimit);
        set(outboxFrames, builder::outboxLimit);
        set(startupGraceMs, ms -> builder.startupGrace(Duration.ofMillis(ms)));
        set(runTimeoutSeconds, seconds -> builder.runTimeout(Duration.ofSeconds(seconds)));
        set(maxRunsInFlight, builder::maxRunsInFlight);
        set(agent, section -> builder.agent(section.applyTo(base.agent())));
        set(rateLimits, section -> builder.rateLimits(section.applyTo(base.rateLimits())));
        set(validation, section -> builder.validation(section.applyTo(base.validation())));
        set(queue, section -> builder.queue(section.applyTo(base.queue())));
        set(breakers, section -> builder.breakers(section.applyTo(base.breakers())));
        set(maxConnections, builder::maxConnections);
        set(maxConnectionsPerUser, builder::maxConnectionsPerUser);
        set(maxPendingHandshakes, builder::maxPendingHandshakes);
        set(handshakeTimeoutMs, ms -> builder.handshakeTimeout(Duration.ofMillis(ms)));
        set(maxRequestLineBytes, builder::maxRequestLineBytes);
        set(maxHeaderBytes, builder::maxHeaderBytes);
        set(outboxBytes, builder::outboxBytes);
        set(outboxTotalBytes, builder::outboxTotalBytes);
        set(socketSendBufferBytes, builder::socketSendBuffer);
        set(closeGraceMs, ms -> builder.closeGrace(Duration.ofMillis(ms)));
        set(ioThreads, builder::ioThreads);
        set(monitor, section -> builder.monitorLimits(section.applyTo(base.monitorLimits())));
        set(trace, section -> {
            if (section.sample() != null) {
                builder.traceSample(section.sample());
            }
            if (section.ring() != null) {
                builder.traceRing(section.ring());
            }
            if (section.perSecond() != null) {
                builder.tracePerSecond(section.perSecond());
            }
        });
        set(tokenClockSkewSeconds, seconds -> builder.tokenClockSkew(Duration.ofSeconds(seconds)));
        set(maxTokenLifetimeSeconds, seconds -> builder.maxTokenLifetime(Duration.ofSeconds(seconds)));
        set(cluster, section -> builder.cluster(section.applyTo(base.cluster())));
        set(agents, section -> {
            set(section.strategy(), builder::strategy);
            set(section.rollout(), rollout -> builder.rollout(rollout.applyTo(base.rollout())));
            set(section.backends(), list -> {
                List<BackendSpec> specs = new ArrayList<>();
                SimulatedAgent.Settings defaults = agent == null ? base.agent() : agent.applyTo(base.agent());
                list.forEach(backend -> specs.add(backend.toSpec(defaults, environment)));
                builder.backends(specs);
            });
        });
        set(classification, rules -> {
            List<ClassificationRule> compiled = new ArrayList<>();
            rules.forEach(rule -> compiled.add(rule.toRule()));
            builder.classification(compiled);
        });
        return builder;
    }

    private static <T> void set(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
