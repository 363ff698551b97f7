package dev.switchboard.router.support;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.agents.SimulatedAgent;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Routers for tests: loopback, free ports, dev auth, a fast simulated agent. */
public final class TestRouters {

    private TestRouters() {
    }

    /** A config on 127.0.0.1 with free ports, dev auth on and 5 ms agent steps. */
    public static RouterConfig.Builder config() {
        return RouterConfig.builder()
                .host("127.0.0.1").port(0).httpPort(0).devAuth(true)
                .agent(SimulatedAgent.Settings.defaults().withStepDelay(Duration.ofMillis(5)))
                .stopTimeout(Duration.ofSeconds(2));
    }

    /** Starts a router with the test config changed by {@code change}, waiting until ready. */
    public static Router start(UnaryOperator<RouterConfig.Builder> change) {
        Router router = Router.builder().config(change.apply(config()).build()).build().start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(router::isReady);
        return router;
    }

    public static Router start() {
        return start(UnaryOperator.identity());
    }
}
