package dev.switchboard.console.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.Router;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code attack} against a real router: every attack reaches it, it answers as documented, users keep working. */
class AttackCommandTest {
    private Router router;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startRouter() {
        router = TestRouters.start(config -> config.httpPort(-1).handshakeTimeout(Duration.ofMillis(500)));
    }

    @AfterEach
    void stopRouter() {
        router.stop();
    }

    private int attack(String... args) {
        return new CommandLine(new ConsoleCli()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void halfOpenSocketsAndHeaderFloodsReachTheRouterWhichRefusesThemAndKeepsServing() {
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
            int exit = attack("attack", "--url", router.clientUri().toString(), "--half-open", "50",
                    "--header-floods", "1", "--header-mb", "1", "--duration-s", "2");

            assertThat(exit).as(out + "\n" + err).isZero();
            assertThat(out.toString()).contains("done: half-open:").contains("HTTP/1.1 431 Request Header Fields Too Large");
            assertThat(router.transportStats().handshakesRejected("headers_too_large")).isPositive();
            assertThat(router.transportStats().handshakesRejected("timeout")).isPositive();
            alice.assertUsable();
        }
    }

    @Test
    void refusesATargetThatIsNotOnThisMachine() {
        int exit = attack("attack", "--url", "ws://192.0.2.1:8765/ws", "--duration-s", "1");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("loopback");
    }
}
