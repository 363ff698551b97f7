package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.router.Router;
import dev.switchboard.router.RouterInternals;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import dev.switchboard.router.transport.ListenerStatus;
import dev.switchboard.router.transport.RouterSocketServer;
import io.netty.channel.Channel;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #9, finding 1: when the listening socket is lost to a fatal error, the router says so in
 * {@code /ready} and {@code /health} and binds it again, instead of serving 200 with no listener.
 * The loss is caused the way a fatal error in the I/O code would: the listening channel closes.
 */
@ExtendWith(NoLeakedThreads.class)
class ListenerLossTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(Router router, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Channel listeningChannel(Router router) throws ReflectiveOperationException {
        Field listener = RouterSocketServer.class.getDeclaredField("listener");
        listener.setAccessible(true);
        return (Channel) listener.get(RouterInternals.socketServer(router));
    }

    @Test
    void aLostListenerMakesTheRouterUnreadyUntilItIsBoundAgain() throws Exception {
        try (Router router = TestRouters.start()) {
            listeningChannel(router).close().sync();

            // the router binds again after a second: the down state is there to be seen until then
            await().atMost(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(5))
                    .until(() -> router.listenerStatus().state() == ListenerStatus.State.DOWN);
            HttpResponse<String> ready = get(router, "/ready");
            HttpResponse<String> health = get(router, "/health");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"down\"").contains("\"state\":\"down\"");
            await().atMost(Duration.ofSeconds(10)).until(() -> get(router, "/ready").statusCode() == 200);
            try (WsClient alice = WsClient.connect(router.clientUri(), "alice")) {
                alice.assertUsable();
            }
        }
    }
}
