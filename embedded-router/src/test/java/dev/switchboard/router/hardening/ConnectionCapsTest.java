package dev.switchboard.router.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.Router;
import dev.switchboard.router.protocol.EventType;
import dev.switchboard.router.protocol.ServerEvent;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.RawSocket;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue #9, findings 1 and 4: connections in total and per user are capped at the handshake. */
@ExtendWith(NoLeakedThreads.class)
class ConnectionCapsTest {

    @Test
    void refusesAHandshakeOverMaxConnectionsWith503() throws IOException {
        try (Router router = TestRouters.start(config -> config.maxConnections(2));
             WsClient alice = WsClient.connect(router.clientUri(), "alice");
             WsClient bob = WsClient.connect(router.clientUri(), "bob");
             RawSocket carol = RawSocket.connect(router.port())) {
            carol.write(RawSocket.request("/ws?user=carol", ""));
            String response = carol.readResponse();

            assertThat(response).startsWith("HTTP/1.1 503 ").contains("Retry-After: 5")
                    .contains("\"reason\":\"max_connections\"");
            alice.assertUsable();
            bob.close();
            try (WsClient dave = WsClient.connect(router.clientUri(), "dave")) {
                dave.assertUsable();
            }
        }
    }

    @Test
    void refusesAUsersConnectionOverThePerUserLimitWith429AndKeepsTheOthers() throws IOException {
        try (Router router = TestRouters.start(config -> config.maxConnectionsPerUser(3))) {
            List<WsClient> tabs = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    tabs.add(WsClient.connect(router.clientUri(), "alice"));
                }
                try (RawSocket fourth = RawSocket.connect(router.port())) {
                    fourth.write(RawSocket.request("/ws?user=alice", ""));
                    assertThat(fourth.readResponse()).startsWith("HTTP/1.1 429 ")
                            .contains("\"error\":\"too_many_connections\"").contains("\"reason\":\"per_user\"");
                }
                try (WsClient bob = WsClient.connect(router.clientUri(), "bob")) {
                    bob.assertUsable();
                }
                router.emitToUser("alice", ServerEvent.builder(EventType.PONG).build());
                tabs.forEach(tab -> tab.awaitType("pong"));
                assertThat(router.meterRegistry().scrape())
                        .contains("switchboard_handshakes_rejected_total{reason=\"per_user\"} 1.0")
                        .containsPattern("switchboard_fanout_frames_total [3-9]");
            } finally {
                tabs.forEach(WsClient::close);
            }
        }
    }
}
