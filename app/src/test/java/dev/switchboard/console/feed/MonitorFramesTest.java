package dev.switchboard.console.feed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.switchboard.router.Router;
import dev.switchboard.router.monitor.RouterFeed;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import dev.switchboard.router.protocol.Json;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The console reads a real router's monitor JSON back into records equal to the ones the router wrote. */
class MonitorFramesTest {

    @Test
    void readsARealRoutersSnapshotAndUpdatesIntoEqualRecords() {
        Router router = TestRouters.start(config -> config.httpPort(-1));
        List<MonitorUpdate> updates = new CopyOnWriteArrayList<>();
        try (WsClient alice = WsClient.connect(router.clientUri(), "alice");
             RouterFeed.Subscription subscription = router.monitor().subscribe(updates::add)) {
            alice.send(Map.of("type", "user_message", "message_id", "m", "payload", Map.of("content", "hi")));
            alice.awaitRun(alice.awaitReply("m").path("run_id").asText());
            alice.send(Map.of("type", "no_such_type", "message_id", "x"));
            alice.awaitReply("x");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> updates.stream()
                    .flatMap(update -> update.events().stream()).anyMatch(MonitorEvent.ErrorSent.class::isInstance));

            MonitorSnapshot snapshot = router.monitor().snapshot();
            assertThat(MonitorFrames.read(Json.write(snapshot))).isEqualTo(snapshot);
            assertThat(MonitorFrames.isFrame(Json.write(snapshot))).isTrue();
            assertThat(MonitorFrames.readFrame(Json.write(snapshot))).isEqualTo(snapshot);
            assertThat(snapshot.recentRuns()).isNotEmpty();
            assertThat(snapshot.recentErrors()).isNotEmpty();
            for (MonitorUpdate update : updates) {
                assertThat(MonitorFrames.read(Json.write(update))).isEqualTo(update);
                assertThat(MonitorFrames.isFrame(Json.write(update))).isTrue();
                assertThat(MonitorFrames.readFrame(Json.write(update))).isEqualTo(update);
            }
            assertThat(updates.stream().flatMap(update -> update.events().stream()).map(Object::getClass).distinct())
                    .contains(MonitorEvent.MessageIn.class, MonitorEvent.RunEvent.class, MonitorEvent.RunStarted.class,
                            MonitorEvent.RunEnded.class, MonitorEvent.ErrorSent.class);

            MonitorFrame replied = MonitorFrames.read(router.monitorCommand(
                    JsonNodeFactory.instance.objectNode().put("type", "snapshot")));
            assertThat(replied).isInstanceOf(MonitorSnapshot.class);
            assertThat(MonitorFrames.read("{\"type\":\"error\",\"code\":\"forbidden\"}")).isNull();
            assertThat(MonitorFrames.read("not json")).isNull();
            assertThat(MonitorFrames.readFrame("{\"type\":\"monitor_update\",\"seq\":")).isNull();
            assertThat(MonitorFrames.isFrame("{\"type\":\"command_result\",\"result\":{}}")).isFalse();
        } finally {
            router.stop();
        }
    }
}
