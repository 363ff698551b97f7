package dev.switchboard.router.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.RouterInternals;
import dev.switchboard.router.protection.RateLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

    private static RouterConfig apply(ConfigFile file) {
        return file.applyTo(RouterConfig.builder().build()).build();
    }

    @Test
    void theDocumentedExampleHoldsExactlyTheDefaults() throws IOException {
        ConfigFile example = ConfigFile.read(Path.of("../src/docs/router.example.yaml"));
        RouterConfig fromExample = example.applyTo(RouterConfig.builder().build()).build();
        RouterConfig defaults = RouterConfig.builder().devAuth(false).build();
        assertThat(fromExample.devAuth()).isEqualTo(defaults.devAuth());
        assertThat(fromExample.port()).isEqualTo(defaults.port());
        assertThat(fromExample.httpPort()).isEqualTo(defaults.httpPort());
        assertThat(fromExample.idleTimeout()).isEqualTo(defaults.idleTimeout());
        assertThat(fromExample.softFrameLimit()).isEqualTo(defaults.softFrameLimit());
        assertThat(fromExample.hardFrameLimit()).isEqualTo(defaults.hardFrameLimit());
        assertThat(fromExample.outboxLimit()).isEqualTo(defaults.outboxLimit());
        assertThat(fromExample.startupGrace()).isEqualTo(defaults.startupGrace());
        assertThat(fromExample.maxRunsInFlight()).isEqualTo(defaults.maxRunsInFlight());
        assertThat(fromExample.agent()).isEqualTo(defaults.agent());
        assertThat(fromExample.rateLimits()).isEqualTo(defaults.rateLimits());
        assertThat(fromExample.validation()).isEqualTo(defaults.validation());
        assertThat(fromExample.queue()).isEqualTo(defaults.queue());
        assertThat(fromExample.strategy()).isEqualTo(defaults.strategy());
        assertThat(fromExample.rollout()).isEqualTo(defaults.rollout());
        assertThat(fromExample.breakers()).isEqualTo(defaults.breakers());
        assertThat(fromExample.backends()).isEqualTo(defaults.backends());
        // derived from ulimit -n less the descriptors open at the moment a configuration is built
        // (src/docs/security.md), which other threads of this JVM may move by a few between two builds
        assertThat(example.maxConnections()).isZero();
        assertThat(example.maxPendingHandshakes()).isZero();
        assertThat(fromExample.maxConnections()).isCloseTo(defaults.maxConnections(), within(16));
        assertThat(fromExample.maxConnectionsPerUser()).isEqualTo(defaults.maxConnectionsPerUser());
        assertThat(fromExample.maxPendingHandshakes()).isCloseTo(defaults.maxPendingHandshakes(), within(16));
        assertThat(fromExample.handshakeTimeout()).isEqualTo(defaults.handshakeTimeout());
        assertThat(fromExample.maxRequestLineBytes()).isEqualTo(defaults.maxRequestLineBytes());
        assertThat(fromExample.maxHeaderBytes()).isEqualTo(defaults.maxHeaderBytes());
        assertThat(fromExample.outboxBytes()).isEqualTo(defaults.outboxBytes());
        assertThat(fromExample.outboxTotalBytes()).isEqualTo(defaults.outboxTotalBytes());
        assertThat(fromExample.socketSendBuffer()).isEqualTo(defaults.socketSendBuffer());
        assertThat(fromExample.closeGrace()).isEqualTo(defaults.closeGrace());
        assertThat(fromExample.ioThreads()).isEqualTo(defaults.ioThreads());
        assertThat(fromExample.tokenClockSkew()).isEqualTo(defaults.tokenClockSkew());
        assertThat(fromExample.maxTokenLifetime()).isEqualTo(defaults.maxTokenLifetime());
        assertThat(fromExample.monitorLimits()).isEqualTo(defaults.monitorLimits());
        assertThat(fromExample.traceSample()).isEqualTo(defaults.traceSample());
        assertThat(fromExample.tracePerSecond()).isEqualTo(defaults.tracePerSecond());
        assertThat(fromExample.traceRing()).isEqualTo(defaults.traceRing());
        assertThat(fromExample.classification()).hasSameSizeAs(defaults.classification());
        for (int i = 0; i < defaults.classification().size(); i++) {
            assertThat(fromExample.classification().get(i).type()).isEqualTo(defaults.classification().get(i).type());
            assertThat(fromExample.classification().get(i).priority())
                    .isEqualTo(defaults.classification().get(i).priority());
            assertThat(fromExample.classification().get(i).label()).isEqualTo(defaults.classification().get(i).label());
        }
    }

    @Test
    void theLimitsOfAnOutsiderAreReadFromTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("router.yaml");
        java.nio.file.Files.writeString(file, "max_connections: 500\nmax_connections_per_user: 4\n"
                + "max_pending_handshakes: 50\nhandshake_timeout_ms: 2500\nmax_header_bytes: 4096\n"
                + "outbox_bytes: 65536\noutbox_total_bytes: 33554432\n"
                + "monitor: {commands_per_second: 2, command_burst: 3, outbox_bytes: 1048576}\n");
        RouterConfig config = apply(ConfigFile.read(file));
        assertThat(config.maxConnections()).isEqualTo(500);
        assertThat(config.maxConnectionsPerUser()).isEqualTo(4);
        assertThat(config.maxPendingHandshakes()).isEqualTo(50);
        assertThat(config.handshakeTimeout()).isEqualTo(java.time.Duration.ofMillis(2500));
        assertThat(config.maxHeaderBytes()).isEqualTo(4096);
        assertThat(config.outboxBytes()).isEqualTo(65536);
        assertThat(config.outboxTotalBytes()).isEqualTo(33554432);
        assertThat(RouterConfig.builder().build().outboxTotalBytes()).as("the default: an eighth of the heap")
                .isEqualTo(Runtime.getRuntime().maxMemory() / 8);
        assertThat(config.monitorLimits()).isEqualTo(new dev.switchboard.router.monitor.MonitorLimits(2, 3, 1048576, 4));
    }

    @Test
    void theBackendsExampleBuildsARouterWithItsBackendsAndRollout() throws IOException {
        RouterConfig config = ConfigFile.read(Path.of("../src/docs/examples/backends.yaml"))
                .applyTo(RouterConfig.builder().port(0).httpPort(-1).build()).build();
        dev.switchboard.router.Router router = dev.switchboard.router.Router.builder().config(config).build().start();
        try {
            assertThat(RouterInternals.backends(router).backends()).extracting(b -> b.name())
                    .containsExactly("sim-fast", "sim-steady", "sim-flaky", "sim-canary");
            assertThat(RouterInternals.backends(router).strategy().name()).isEqualTo("least_loaded");
            assertThat(RouterInternals.backends(router).rollout().state().mode().wire()).isEqualTo("shadow");
            assertThat(RouterInternals.backends(router).rollout().state().percent()).isEqualTo(20);
        } finally {
            router.stop();
        }
    }

    @Test
    void appliesOnlyTheKeysItSets(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("router.yaml");
        Files.writeString(yaml, "agent:\n  step_ms: 500\nrate_limits:\n  messages: {burst: 100}\n");
        RouterConfig config = apply(ConfigFile.read(yaml));
        assertThat(config.agent().stepDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.agent().toolCount()).isEqualTo(1);
        assertThat(config.rateLimits().user()).isEqualTo(new RateLimit(100, 100));
        assertThat(config.rateLimits().connection()).isEqualTo(RateLimit.messageDefaults());
        assertThat(config.port()).isEqualTo(RouterConfig.DEFAULT_PORT);
    }

    @Test
    void theTraceSectionIsReadKeyByKey(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("router.yaml");
        Files.writeString(yaml, "trace:\n  per_second: 50\n");
        RouterConfig config = apply(ConfigFile.read(yaml));
        assertThat(config.tracePerSecond()).isEqualTo(50);
        assertThat(config.traceRing()).isEqualTo(10_000);
        Files.writeString(yaml, "trace: {sample: 0.5, per_second: 0, ring: 20}\n");
        config = apply(ConfigFile.read(yaml));
        assertThat(config.traceSample()).isEqualTo(0.5);
        assertThat(config.tracePerSecond()).isZero();
        assertThat(config.traceRing()).isEqualTo(20);
        Files.writeString(yaml, "trace: {per_second: -1}\n");
        assertThatThrownBy(() -> apply(ConfigFile.read(yaml))).hasMessageContaining("tracePerSecond");
    }

    @Test
    void theWarmupIsOffByDefaultAndAtMostFiveMinutes(@TempDir Path dir) throws IOException {
        assertThat(ConfigFile.read(Path.of("../src/docs/router.example.yaml")).warmup()).isEqualTo(Duration.ZERO);
        assertThat(ConfigFile.empty().warmup()).isNull();
        Path yaml = dir.resolve("router.yaml");
        Files.writeString(yaml, "warmup_seconds: 300\n");
        assertThat(ConfigFile.read(yaml).warmup()).isEqualTo(Duration.ofMinutes(5));
        Files.writeString(yaml, "warmup_seconds: 301\n");
        assertThatThrownBy(() -> ConfigFile.read(yaml).warmup()).hasMessageContaining("warmup_seconds must be 0 to 300");
        Files.writeString(yaml, "warmup_seconds: -1\n");
        assertThatThrownBy(() -> ConfigFile.read(yaml).warmup()).hasMessageContaining("warmup_seconds must be 0 to 300");
    }

    @Test
    void theClusterSectionJoinsAClusterAndRefusesWhatCannotWork(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("router.yaml");
        Files.writeString(yaml, "cluster: {redis: \"redis://10.0.0.9:6380/2\", node_id: n1, heartbeat_ms: 500,"
                + " node_ttl_ms: 3000, advertise_host: 10.0.0.5}\n");
        dev.switchboard.router.cluster.ClusterSettings cluster = apply(ConfigFile.read(yaml)).cluster();
        assertThat(cluster.redisForDisplay()).isEqualTo("redis://10.0.0.9:6380/2");
        assertThat(cluster.nodeId()).isEqualTo("n1");
        assertThat(cluster.heartbeat()).isEqualTo(Duration.ofMillis(500));
        assertThat(cluster.nodeTtl()).isEqualTo(Duration.ofMillis(3000));
        assertThat(cluster.advertiseHost()).isEqualTo("10.0.0.5");
        assertThat(apply(ConfigFile.empty()).cluster()).as("a router alone by default").isNull();

        Files.writeString(yaml, "cluster: {node_id: n1}\n");
        assertThatThrownBy(() -> apply(ConfigFile.read(yaml))).hasMessageContaining("cluster needs redis");
        Files.writeString(yaml, "cluster: {redis: \"http://10.0.0.9\"}\n");
        assertThatThrownBy(() -> apply(ConfigFile.read(yaml))).hasMessageContaining("redis://");
        Files.writeString(yaml, "cluster: {redis: \"redis://10.0.0.9\", node_id: \"n 1\"}\n");
        assertThatThrownBy(() -> apply(ConfigFile.read(yaml))).hasMessageContaining("node id");
        Files.writeString(yaml, "cluster: {redis: \"redis://10.0.0.9\", heartbeat_ms: 1000, node_ttl_ms: 1500}\n");
        assertThatThrownBy(() -> apply(ConfigFile.read(yaml))).hasMessageContaining("twice the heartbeat");
        Files.writeString(yaml, "cluster: {redis: \"redis://10.0.0.9\", password: hunter2}\n");
        assertThatThrownBy(() -> ConfigFile.read(yaml)).hasMessageContaining("password");
    }

    @Test
    void refusesUnknownKeys(@TempDir Path dir) throws IOException {
        Path yaml = dir.resolve("router.yaml");
        Files.writeString(yaml, "agent:\n  stepms: 500\n");
        assertThatThrownBy(() -> ConfigFile.read(yaml)).hasMessageContaining("stepms");
    }

    @Test
    void durationsAcceptUnitsAndIso() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(converter.convert("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> converter.convert("soon")).hasMessageContaining("not a duration");
    }
}
