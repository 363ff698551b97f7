package dev.switchboard.router.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.BackendSpec;
import dev.switchboard.router.agents.http.HttpBackendSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kind: http} backends in router.yaml: every key, headers from the environment, keys of the other kind refused. */
class HttpBackendConfigTest {
    private static final String HTTP_BACKEND = """
            agents:
              strategy: least_loaded
              backends:
                - name: research
                  kind: http
                  url: http://127.0.0.1:9000/runs
                  health_url: http://127.0.0.1:9000/health
                  headers_env: {Authorization: AGENT_AUTH}
                  timeouts: {connect_ms: 1500, first_event_ms: 8000, idle_ms: 20000, total_ms: 90000}
                  max_in_flight: 300
                  weight: 2
                  budget_ms: 5000
                - name: sim
                  step_ms: 5
            """;

    @Test
    void readsEveryKeyOfAnHttpBackend(@TempDir Path dir) throws IOException {
        RouterConfig config = read(dir, HTTP_BACKEND, Map.of("AGENT_AUTH", "Bearer t0ken"));

        BackendSpec research = config.backends().get(0);
        assertThat(research.kind()).isEqualTo("http");
        assertThat(research.weight()).isEqualTo(2);
        assertThat(research.budget()).isEqualTo(Duration.ofMillis(5000));
        HttpBackendSettings http = research.http();
        assertThat(http.url()).isEqualTo(URI.create("http://127.0.0.1:9000/runs"));
        assertThat(http.healthUrl()).isEqualTo(URI.create("http://127.0.0.1:9000/health"));
        assertThat(http.headers()).containsExactly(Map.entry("Authorization", "Bearer t0ken"));
        assertThat(http.connect()).isEqualTo(Duration.ofMillis(1500));
        assertThat(http.firstEvent()).isEqualTo(Duration.ofMillis(8000));
        assertThat(http.idle()).isEqualTo(Duration.ofMillis(20000));
        assertThat(http.total()).isEqualTo(Duration.ofMillis(90000));
        assertThat(http.maxInFlight()).isEqualTo(300);
        BackendSpec sim = config.backends().get(1);
        assertThat(sim.kind()).isEqualTo("simulated");
        assertThat(sim.settings().stepDelay()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void timeoutsDefaultToTheDocumentedValues(@TempDir Path dir) throws IOException {
        RouterConfig config = read(dir, "agents:\n  backends:\n    - {name: a, kind: http, url: 'http://127.0.0.1:1/runs'}\n",
                Map.of());

        HttpBackendSettings http = config.backends().get(0).http();
        assertThat(http.connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(http.firstEvent()).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.idle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(http.total()).isEqualTo(Duration.ofSeconds(120));
        assertThat(http.maxInFlight()).isEqualTo(500);
        assertThat(http.healthUrl()).isNull();
    }

    @Test
    void aMissingEnvironmentVariableIsNamedAndNoValueIsShown(@TempDir Path dir) {
        assertThatThrownBy(() -> read(dir, HTTP_BACKEND, Map.of()))
                .hasMessage("agents.backends[research].headers_env.Authorization names the environment variable "
                        + "AGENT_AUTH, which is not set");
    }

    @Test
    void keysOfTheOtherKindAreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> read(dir, "agents:\n  backends:\n    - {name: a, kind: http, url: 'http://h/r', step_ms: 5}\n",
                Map.of())).hasMessage("agents.backends[a].step_ms does not apply to kind http");
        assertThatThrownBy(() -> read(dir, "agents:\n  backends:\n    - {name: a, url: 'http://h/r'}\n", Map.of()))
                .hasMessage("agents.backends[a].url does not apply to kind simulated");
    }

    @Test
    void badKindsAndUrlsAreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> read(dir, "agents:\n  backends:\n    - {name: a, kind: grpc}\n", Map.of()))
                .hasMessage("agents.backends[a].kind must be simulated or http, was 'grpc'");
        assertThatThrownBy(() -> read(dir, "agents:\n  backends:\n    - {name: a, kind: http}\n", Map.of()))
                .hasMessage("agents.backends[a].url is required for kind http");
        assertThatThrownBy(() -> read(dir, "agents:\n  backends:\n    - {name: a, kind: http, url: 'ftp://h/r'}\n",
                Map.of())).hasMessageContaining("url must be http:// or https://");
        assertThatThrownBy(() -> read(dir,
                "agents:\n  backends:\n    - {name: a, kind: http, url: 'http://h/r', timeouts: {idle_ms: 0}}\n",
                Map.of())).hasMessageContaining("idle_ms must be positive");
    }

    @Test
    void theUrlShownToPeopleHasNoSecrets() {
        HttpBackendSettings http = HttpBackendSettings.of(URI.create("https://user:pw@agents.example:8443/v1/runs?key=abc"));
        assertThat(http.safeUrl()).isEqualTo("https://agents.example:8443/v1/runs");
    }

    private static RouterConfig read(Path dir, String yaml, Map<String, String> environment) throws IOException {
        Path file = dir.resolve("router.yaml");
        Files.writeString(file, yaml);
        return ConfigFile.read(file).applyTo(RouterConfig.builder().build(), environment::get).build();
    }
}
