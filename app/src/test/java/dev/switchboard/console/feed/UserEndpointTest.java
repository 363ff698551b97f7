package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** How the console turns the router's {@code issue_token} answer into a client connection. */
class UserEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI CLIENT = URI.create("ws://127.0.0.1:8765/ws");

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void aTokenGoesInTheHeaderNotTheUri() throws Exception {
        UserEndpoint endpoint = UserEndpoint.fromIssueToken(CLIENT, "alice",
                json("{'type':'command_result','result':{'user_id':'alice','token':'eyJ.x.y','expires_at':'…'}}"));
        assertThat(endpoint.uri()).isEqualTo(CLIENT);
        assertThat(endpoint.bearerToken()).isEqualTo("eyJ.x.y");
    }

    @Test
    void devAuthConnectsWithTheUserInTheQuery() throws Exception {
        UserEndpoint endpoint = UserEndpoint.fromIssueToken(CLIENT, "ops@example.com",
                json("{'type':'command_result','result':{'user_id':'ops@example.com','dev_auth':true}}"));
        assertThat(endpoint.uri()).hasToString("ws://127.0.0.1:8765/ws?user=ops%40example.com");
        assertThat(endpoint.bearerToken()).isNull();
    }

    @Test
    void aRefusalSaysWhy() throws Exception {
        assertThatThrownBy(() -> UserEndpoint.fromIssueToken(CLIENT, "alice",
                json("{'type':'error','code':'forbidden','message':'this command needs the operator role'}")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the router refused: forbidden (this command needs the operator role)");
    }

    @Test
    void theClientUriIsTheMonitorUrisNeighbour() {
        assertThat(RemoteFeed.clientUri(URI.create("ws://10.0.0.5:8765/monitor"))).hasToString("ws://10.0.0.5:8765/ws");
        assertThat(RemoteFeed.clientUri(URI.create("wss://example.com/switchboard/monitor?token=x")))
                .hasToString("wss://example.com/switchboard/ws");
    }
}
