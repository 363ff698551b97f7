package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RouterConfigTest {

    @Test
    void devAuthDefaultsToOnOnlyForALoopbackHost() {
        assertThat(RouterConfig.builder().build().devAuth()).isTrue();
        assertThat(RouterConfig.builder().host("localhost").build().devAuth()).isTrue();
        assertThat(RouterConfig.builder().host("0.0.0.0").build().devAuth()).isFalse();
        assertThat(RouterConfig.builder().devAuth(false).build().devAuth()).isFalse();
    }

    @Test
    void hasTheDocumentedDefaults() {
        RouterConfig config = RouterConfig.builder().build();
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8765);
        assertThat(config.httpPort()).isEqualTo(8766);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.startupGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.softFrameLimit()).isEqualTo(64 * 1024);
        assertThat(config.hardFrameLimit()).isEqualTo(1024 * 1024);
    }

    @Test
    void refusesInconsistentSettingsAtBuildTime() {
        assertThatThrownBy(() -> RouterConfig.builder().port(70000).build()).hasMessageContaining("port");
        assertThatThrownBy(() -> RouterConfig.builder().softFrameLimit(2048).hardFrameLimit(1024).build())
                .hasMessageContaining("softFrameLimit");
        assertThatThrownBy(() -> RouterConfig.builder().idleTimeout(Duration.ZERO).build())
                .hasMessageContaining("idleTimeout");
    }

    @Test
    void theTraceSampleFollowsDevAuthUnlessGivenEvenThroughACopy() {
        assertThat(RouterConfig.builder().devAuth(true).build().traceSample()).isEqualTo(1.0);
        assertThat(RouterConfig.builder().devAuth(false).build().traceSample()).isEqualTo(0.01);
        // serve layers its flags over a copy: dev auth turned on later still traces everything
        assertThat(RouterConfig.builder().devAuth(false).build().toBuilder().devAuth(true).build().traceSample())
                .isEqualTo(1.0);
        assertThat(RouterConfig.builder().traceSample(0.5).build().toBuilder().devAuth(true).build().traceSample())
                .isEqualTo(0.5);
        assertThat(RouterConfig.builder().build().traceRing()).isEqualTo(10_000);
        assertThat(RouterConfig.builder().devAuth(true).build().tracePerSecond()).isEqualTo(200);
        assertThat(RouterConfig.builder().tracePerSecond(0).build().toBuilder().build().tracePerSecond()).isZero();
    }
}
