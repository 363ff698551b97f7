package dev.switchboard.router.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves router threads (its Netty I/O threads included) running after its
 * routers were stopped (in the manner of Java-WebSocket's own {@code ThreadCheck}).
 */
public final class NoLeakedThreads implements AfterAllCallback {
    private static final List<String> PREFIXES =
            List.of("switchboard-", "lettuce-");

    @Override
    public void afterAll(ExtensionContext context) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(leaked()).as("threads left running").isEmpty());
    }

    static List<String> leaked() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> PREFIXES.stream().anyMatch(name::startsWith))
                .collect(Collectors.toList());
    }
}
