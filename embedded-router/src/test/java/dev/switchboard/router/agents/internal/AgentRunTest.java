package dev.switchboard.router.agents.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.router.agents.AgentRequest;
import dev.switchboard.router.agents.RunStatus;
import dev.switchboard.router.protocol.ServerEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run's completion hook cannot be set on a run that already ended (its backend's accounting would leak). */
class AgentRunTest {

    @Test
    void aHookIsSetOnlyWhileTheRunIsRunningAndRunsOnceAtItsEnd() {
        List<ServerEvent> sent = new ArrayList<>();
        List<String> heard = new ArrayList<>();
        AgentRun running = new AgentRun(new AgentRequest("run-1", "alice", "t", "a", "hi", List.of()), "c-1",
                Clock.systemUTC(), 0, null, (user, event) -> sent.add(event), run -> { });
        assertThat(running.beforeCompletionIfRunning(() -> heard.add("started"),
                (status, error) -> heard.add("ended " + status.wire()))).isTrue();
        running.end(RunStatus.CANCELLED, null, "stopped");
        assertThat(heard).containsExactly("started", "ended cancelled");

        AgentRun ended = new AgentRun(new AgentRequest("run-2", "alice", "t", "a", "hi", List.of()), "c-1",
                Clock.systemUTC(), 0, null, (user, event) -> sent.add(event), run -> { });
        ended.end(RunStatus.CANCELLED, null, "stopped");
        heard.clear();
        assertThat(ended.beforeCompletionIfRunning(() -> heard.add("started"),
                (status, error) -> heard.add("ended"))).isFalse();
        ended.end(RunStatus.FAILED, null, "timeout");
        assertThat(heard).isEmpty();
    }
}
