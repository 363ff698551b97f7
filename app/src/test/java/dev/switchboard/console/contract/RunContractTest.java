package dev.switchboard.console.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunContractTest {

    private static RunContract fed(String... typeAndTool) {
        RunContract contract = new RunContract();
        for (int i = 0; i < typeAndTool.length; i++) {
            String[] parts = typeAndTool[i].split(":");
            contract.accept(parts[0], i + 1, parts.length > 1 ? parts[1] : null);
        }
        return contract;
    }

    @Test
    void aSimpleRunKeepsTheContractAndSeesEveryKind() {
        RunContract run = fed("agent_started", "agent_thinking", "tool_executing:web_search", "tool_completed:web_search",
                "agent_thinking", "agent_completed");

        assertThat(run.inOrder()).isTrue();
        assertThat(run.completed()).isTrue();
        assertThat(run.sawEveryKind()).isTrue();
        assertThat(run.missing()).isEmpty();
    }

    @Test
    void aGapInSeqBreaksTheOrder() {
        RunContract run = new RunContract();
        run.accept("agent_started", 1, null);

        assertThat(run.accept("agent_thinking", 3, null)).isFalse();
        assertThat(run.inOrder()).isFalse();
    }

    @Test
    void aRunMustStartWithAgentStartedAndOnlyOnce() {
        assertThat(fed("agent_thinking").inOrder()).isFalse();
        assertThat(fed("agent_started", "agent_started").inOrder()).isFalse();
    }

    @Test
    void nothingMayFollowAgentCompleted() {
        assertThat(fed("agent_started", "agent_completed", "agent_thinking").inOrder()).isFalse();
    }

    @Test
    void aToolCompletesOnlyAfterItStarted() {
        assertThat(fed("agent_started", "tool_completed:web_search").inOrder()).isFalse();
        assertThat(fed("agent_started", "tool_executing:calculator", "tool_completed:web_search").inOrder()).isFalse();
        assertThat(fed("agent_started", "tool_executing:web_search", "tool_executing:web_search",
                "tool_completed:web_search", "tool_completed:web_search").inOrder()).isTrue();
    }

    @Test
    void listsTheMissingKindsInTheContractsOrder() {
        assertThat(fed("agent_started", "agent_completed").missing())
                .containsExactly("agent_thinking", "tool_executing", "tool_completed");
        assertThat(RunContract.EVENTS).containsExactly("agent_started", "agent_thinking", "tool_executing",
                "tool_completed", "agent_completed");
    }
}
