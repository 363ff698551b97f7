package dev.switchboard.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.router.support.NoLeakedThreads;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeakedThreads.class)
class IsolationTest {
    private static final int USERS = 100;
    private static final int RUNS_PER_USER = 3;

    @Test
    void hundredUsersChattingAtOnceNeverSeeEachOthersEvents() throws Exception {
        Router router = TestRouters.start();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int u = 0; u < USERS; u++) {
                clients.add(WsClient.connect(router.clientUri(), "user-" + u));
            }
            List<CompletableFuture<Set<String>>> chats = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                WsClient client = clients.get(u);
                chats.add(CompletableFuture.supplyAsync(() -> chat(client), pool));
            }
            Set<String> allRuns = new HashSet<>();
            for (int u = 0; u < USERS; u++) {
                Set<String> ownRuns = chats.get(u).get();
                assertThat(ownRuns).hasSize(RUNS_PER_USER);
                allRuns.addAll(ownRuns);
                Set<String> runsSeen = new HashSet<>();
                for (JsonNode frame : clients.get(u).seen()) {
                    if (frame.has("run_id")) {
                        runsSeen.add(frame.path("run_id").asText());
                    }
                }
                assertThat(runsSeen).as("runs seen by user-%d", u).isEqualTo(ownRuns);
            }
            assertThat(allRuns).hasSize(USERS * RUNS_PER_USER);
        } finally {
            clients.forEach(WsClient::close);
            pool.shutdownNow();
            router.stop();
        }
    }

    private static Set<String> chat(WsClient client) {
        Set<String> runs = new HashSet<>();
        for (int i = 0; i < RUNS_PER_USER; i++) {
            client.send(Map.of("type", "user_message", "message_id", "m-" + i, "payload", Map.of("content", "q" + i)));
            String runId = client.awaitReply("m-" + i).path("run_id").asText();
            List<JsonNode> events = client.awaitRun(runId);
            assertThat(events.get(0).path("type").asText()).isEqualTo("agent_started");
            assertThat(events.get(events.size() - 1).path("data").path("status").asText()).isEqualTo("completed");
            runs.add(runId);
        }
        return runs;
    }
}
