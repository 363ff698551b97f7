package dev.switchboard.router.agents.http;

import dev.switchboard.router.transport.NettyHttpStreams;
import org.junit.jupiter.api.AfterEach;

/** The executor on the transport's Netty client, as the router runs it. */
class HttpAgentExecutorOnNettyTest extends HttpAgentExecutorCases {
    private final NettyHttpStreams netty = new NettyHttpStreams();

    @Override
    HttpStreams streams() {
        return netty;
    }

    @AfterEach
    void closeNetty() {
        netty.close();
    }
}
