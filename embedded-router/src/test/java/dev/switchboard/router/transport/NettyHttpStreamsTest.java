package dev.switchboard.router.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import org.junit.jupiter.api.Test;

/** Failures reach the http backends in the terms of the interface, whichever client saw them. */
class NettyHttpStreamsTest {

    @Test
    void aConnectTimeoutIsATimeoutNotARefusal() {
        Throwable translated = NettyHttpStreams.inInterfaceTerms(
                new ConnectTimeoutException("connection timed out: /10.0.0.1:9000"));

        assertThat(translated).isInstanceOf(HttpConnectTimeoutException.class)
                .hasMessage("connection timed out: /10.0.0.1:9000");
        assertThat(translated.getCause()).isInstanceOf(ConnectTimeoutException.class);
    }

    @Test
    void otherFailuresPassAsTheyAre() {
        ConnectException refused = new ConnectException("Connection refused");
        IOException reset = new IOException("Connection reset");

        assertThat(NettyHttpStreams.inInterfaceTerms(refused)).isSameAs(refused);
        assertThat(NettyHttpStreams.inInterfaceTerms(reset)).isSameAs(reset);
    }
}
