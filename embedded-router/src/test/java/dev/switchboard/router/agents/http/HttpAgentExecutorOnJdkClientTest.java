package dev.switchboard.router.agents.http;

/** The executor on the JDK's {@code HttpClient}, as an embedder without the transport gets it. */
class HttpAgentExecutorOnJdkClientTest extends HttpAgentExecutorCases {
    @Override
    HttpStreams streams() {
        return null;
    }
}
