package dev.switchboard.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.MonitorFrames;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import java.util.ArrayList;
import java.util.List;

/** Monitor frames written by hand (single quotes for double), handed to a view model as one batch. */
public final class Frames {

    private Frames() {
    }

    /** A frame from JSON with {@code '} for {@code "}. */
    public static MonitorFrame frame(String json) {
        MonitorFrame frame = MonitorFrames.read(json.replace('\'', '"'));
        assertThat(frame).as(json).isNotNull();
        return frame;
    }

    /** One batch of the frames at {@code nowMillis}. */
    public static MonitorBatch batch(long nowMillis, String... json) {
        List<MonitorFrame> frames = new ArrayList<>();
        for (String each : json) {
            frames.add(frame(each));
        }
        return new MonitorBatch(frames, nowMillis);
    }

    /** An update carrying {@code events} (JSON objects joined with commas). */
    public static String update(String events) {
        return "{'type':'monitor_update','seq':1,'stats':{},'events':[" + events + "]}";
    }

    /** A run event of {@code run-1} by alice. */
    public static String runEvent(String type, int seq, String data) {
        return "{'kind':'run_event','at':'2026-01-01T00:00:0" + seq + "Z','user_id':'alice','run_id':'run-1',"
                + "'thread_id':'t-1','type':'" + type + "','seq':" + seq + ",'timestamp':'2026-01-01T00:00:0" + seq
                + "Z','data':{" + data + "}}";
    }

    /** An error sent to {@code user}. */
    public static String error(String user, String code) {
        return "{'kind':'error','at':'2026-01-01T12:00:00.250Z','user_id':'" + user + "','connection_id':'c-1',"
                + "'type':'x','code':'" + code + "','message':'m'}";
    }
}
