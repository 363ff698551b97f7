package dev.switchboard.console.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.monitor.wire.ConnectionPage;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;

/**
 * Reads monitor documents into the monitor protocol's records, on the thread that received them
 * (a feed thread, never the FX thread): a {@code monitor_snapshot}, a {@code monitor_update}, or
 * the snapshot in the {@code command_result} of a {@code snapshot} command; and the page of a
 * {@code connections} command.
 */
public final class MonitorFrames {

    private MonitorFrames() {
    }

    /** The frame {@code document} holds, or null when it holds none or is malformed. */
    public static MonitorFrame read(JsonNode document) {
        if (document == null) {
            return null;
        }
        String type = document.path("type").asText();
        JsonNode frame = type.equals("command_result") ? document.path("result") : document;
        String frameType = frame.path("type").asText();
        if (!frameType.equals(MonitorSnapshot.TYPE) && !frameType.equals(MonitorUpdate.TYPE)) {
            return null;
        }
        try {
            return Json.mapper().treeToValue(frame, MonitorFrame.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The traces in the {@code command_result} of a {@code trace} command, newest first; empty for an
     * error, none kept, or a malformed answer.
     */
    public static java.util.List<dev.switchboard.router.monitor.wire.TraceRecord> traces(JsonNode reply) {
        JsonNode traces = reply == null ? null : reply.path("result").path("traces");
        if (traces == null || !traces.isArray()) {
            return java.util.List.of();
        }
        java.util.List<dev.switchboard.router.monitor.wire.TraceRecord> read = new java.util.ArrayList<>();
        for (JsonNode trace : traces) {
            try {
                read.add(Json.mapper().treeToValue(trace, dev.switchboard.router.monitor.wire.TraceRecord.class));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return java.util.List.of();
            }
        }
        return read;
    }

    /** The page in the {@code command_result} of a {@code connections} command, or null (an error, or malformed). */
    public static ConnectionPage page(JsonNode reply) {
        if (reply == null || !reply.path("type").asText().equals("command_result")
                || !reply.path("result").isObject()) {
            return null;
        }
        try {
            return Json.mapper().treeToValue(reply.path("result"), ConnectionPage.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether {@code text} is a frame of the feed itself, a {@code monitor_update} or
     * {@code monitor_snapshot}, as the router writes them: the type first (a command's answer is
     * a {@code command_result}).
     */
    public static boolean isFrame(String text) {
        return text.startsWith("{\"type\":\"monitor_");
    }

    /**
     * The frame {@code text} holds, read straight into records (at 10,000 connections a tree
     * first doubled what reading the feed allocated), or null when it is malformed.
     */
    public static MonitorFrame readFrame(String text) {
        try {
            return Json.mapper().readValue(text, MonitorFrame.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The frame in one line of JSON, or null when it holds none or is malformed. */
    public static MonitorFrame read(String text) {
        try {
            return read(Json.mapper().readTree(text));
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
