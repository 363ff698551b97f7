package dev.switchboard.console.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.console.feed.ConsoleFeed;
import dev.switchboard.console.feed.FeedStatus;
import dev.switchboard.console.feed.UserEndpoint;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A feed for view models fed by hand: it sends no frame and never answers a command. */
public class SilentFeed implements ConsoleFeed {
    @Override
    public String source() {
        return "test";
    }

    @Override
    public void start(Consumer<MonitorFrame> frames, Consumer<FeedStatus> status) {
    }

    @Override
    public CompletionStage<ObjectNode> command(JsonNode command) {
        return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<UserEndpoint> userEndpoint(String userId) {
        return new CompletableFuture<>();
    }

    @Override
    public void close() {
    }
}
