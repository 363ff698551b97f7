package dev.switchboard.console.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** The {@code --url} option of the commands that work against a running router: its client endpoint. */
final class RouterUrlOption {
    /** The client endpoint of a router started with the defaults. */
    static final String DEFAULT_URL = "ws://127.0.0.1:8765/ws";

    @Option(names = "--url", defaultValue = DEFAULT_URL,
            description = "The router's client endpoint (default: ${DEFAULT-VALUE}).")
    URI url;
}
