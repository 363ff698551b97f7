package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.Router;
import dev.switchboard.router.RouterConfig;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/** A router started in this JVM, watched through its in-process monitor feed. */
public final class EmbeddedFeed implements ConsoleFeed {
    private final Router router;
    private final String note;
    private RouterFeed.Subscription subscription;
    private final ExecutorService commands = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "console-embedded-commands");
        thread.setDaemon(true);
        return thread;
    });

    private EmbeddedFeed(Router router, String note) {
        this.router = router;
        this.note = note;
    }

    /**
     * Starts a router with {@code config}. When its port is taken, starts on a free port instead
     * and says so in the status line.
     */
    public static EmbeddedFeed start(RouterConfig config) {
        try {
            return new EmbeddedFeed(Router.builder().config(config).build().start(), null);
        } catch (IllegalStateException taken) {
            Router fallback = Router.builder().config(config.toBuilder().port(0)
                    .httpPort(config.httpPort() < 0 ? -1 : 0).build()).build().start();
            return new EmbeddedFeed(fallback, "port " + config.port() + " was taken; using " + fallback.port());
        }
    }

    /** The embedded router (for tests and the inject panel). */
    public Router router() {
        return router;
    }

    @Override
    public String source() {
        return "embedded " + router.clientUri();
    }

    @Override
    public List<URI> inProcessClientUris() {
        return List.of(router.clientUri());
    }

    /** The router itself, recorded through {@link Router#record} without a socket. */
    @Override
    public RecordingSource recordingSource() {
        return new RecordingSource.InProcess(router);
    }

    @Override
    public void start(Consumer<MonitorFrame> documents, Consumer<FeedStatus> status) {
        status.accept(FeedStatus.connectedNow(note != null ? note : "router in this process on " + router.clientUri()));
        // subscribe first, then take the snapshot: nothing between them is lost, and the updates that
        // come meanwhile wait until the snapshot is handed over
        List<MonitorFrame> held = new ArrayList<>();
        boolean[] snapshotSent = {false};
        subscription = router.monitor().subscribe(update -> {
            synchronized (held) {
                if (!snapshotSent[0]) {
                    held.add(update);
                    return;
                }
            }
            documents.accept(update);
        });
        MonitorFrame snapshot = router.monitor().snapshot();
        synchronized (held) {
            documents.accept(snapshot);
            held.forEach(documents);
            held.clear();
            snapshotSent[0] = true;
        }
    }

    @Override
    public CompletionStage<ObjectNode> command(JsonNode command) {
        // a snapshot of a busy router takes a while to build: never on the caller's (FX) thread
        try {
            return CompletableFuture.supplyAsync(() -> router.monitorCommand(command), commands);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the embedded router has stopped"));
        }
    }

    @Override
    public CompletionStage<UserEndpoint> userEndpoint(String userId) {
        return command(UserEndpoint.issueToken(userId))
                .thenApply(reply -> UserEndpoint.fromIssueToken(router.clientUri(), userId, reply));
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        commands.shutdownNow();
        router.stop();
    }
}
