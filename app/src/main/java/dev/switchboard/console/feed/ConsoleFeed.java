package dev.switchboard.console.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.router.monitor.wire.ConnectionPage;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The console's one source of truth: a router seen through its monitor feed. The embedded and the
 * remote implementation deliver the same records ({@code monitor_snapshot} first, then
 * {@code monitor_update}s, a fresh snapshot after any reconnect), so nothing above can tell them
 * apart. The remote one reads them from JSON on its own thread: nothing downstream parses JSON.
 */
public interface ConsoleFeed extends AutoCloseable {
    /** Where the data comes from, for the status bar: "embedded ws://…/ws" or "remote ws://…/monitor". */
    String source();

    /**
     * Starts the feed. Both callbacks run on a feed thread, never on the FX thread.
     *
     * @param frames receives every snapshot and update
     * @param status receives every change of the feed's connection state
     */
    void start(Consumer<MonitorFrame> frames, Consumer<FeedStatus> status);

    /**
     * Starts the feed, delivering frames tagged with their node (a router alone tags none). Calls
     * the sink on feed threads, never on the FX thread.
     */
    default void start(FeedSink sink) {
        start(frame -> sink.frame(NodeFrame.alone(frame)), sink::status);
    }

    /**
     * Goes on with another token, after the router refused the one it had (a remote feed; the
     * others have none).
     *
     * @return whether the feed takes tokens
     */
    default boolean useToken(String token) {
        return false;
    }

    /** Sends a monitor command (see {@code protocol.md}); completes with its result or error document. */
    CompletionStage<ObjectNode> command(JsonNode command);

    /**
     * Sends a monitor command to the cluster node {@code nodeId} (the one holding the connection it
     * is about); a router alone, or a null node, takes it itself.
     */
    default CompletionStage<ObjectNode> command(String nodeId, JsonNode command) {
        return command(command);
    }

    /**
     * The monitor command {@code connections}: the first {@code limit} open connections whose user id
     * contains {@code filter} (a new document each time).
     */
    static ObjectNode connectionsCommand(String filter, int limit) {
        ObjectNode command = JsonNodeFactory.instance.objectNode().put("type", "connections").put("limit", limit);
        if (filter != null && !filter.isEmpty()) {
            command.put("filter", filter);
        }
        return command;
    }

    /**
     * Per-connection figures for what the console shows: a page of the router's open connections,
     * or one per live node of a cluster. A router that does not know the command (older than the
     * monitor's paging) answers with none.
     */
    default CompletionStage<List<NodePage>> connectionPages(String filter, int limit) {
        return command(connectionsCommand(filter, limit)).thenApply(reply -> {
            ConnectionPage page = MonitorFrames.page(reply);
            return page == null ? List.of() : List.of(new NodePage(null, page));
        });
    }

    /**
     * How to open an ordinary client connection as {@code userId} (the inject panel): asks the
     * router with the monitor command {@code issue_token}. Fails, with the reason as the message,
     * when the router refuses (a viewer's token) or this source has no router.
     */
    CompletionStage<UserEndpoint> userEndpoint(String userId);

    /**
     * Whether a router is behind this source (false for a saved session: nothing more will come,
     * and the console leaves out what only a live router can do).
     */
    default boolean live() {
        return true;
    }

    /**
     * The client endpoints of the routers running in this process (the embedded router), so that a
     * load generated here can say it shares the process with them; empty for a router elsewhere
     * or a saved session.
     */
    default List<URI> inProcessClientUris() {
        return List.of();
    }

    /**
     * Where this source's traffic can be recorded from (the simulate panel's Record…): the router
     * in this process, or the monitors watched with the console's token; by default nowhere.
     */
    default RecordingSource recordingSource() {
        return new RecordingSource.Unavailable("this source has no router to record");
    }

    /** Why this source cannot connect as a user at all (a saved session), or null when it may. */
    default String injectionUnavailable() {
        return null;
    }

    @Override
    void close();
}
