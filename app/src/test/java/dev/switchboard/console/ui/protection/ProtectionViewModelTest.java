package dev.switchboard.console.ui.protection;

import static dev.switchboard.console.ui.Frames.batch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.console.ui.SilentFeed;
import dev.switchboard.console.ui.common.TimeOfDay;
import dev.switchboard.router.monitor.wire.CommandReply;
import dev.switchboard.router.monitor.wire.ProtectionState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The protection view model, fed by hand, without a window. */
class ProtectionViewModelTest {
    private static final String FRAME = "{'type':'monitor_update','stats':{'rate_limited':7,"
            + "'queue_depth':{'critical':0,'normal':3}},'protection':{'breakers':{'backend:a':'closed',"
            + "'handler:ping':'forced_open'},'forced':{'handler:ping':{'state':'forced_open','expires_at':"
            + "'2026-11-30T12:10:00Z','by':'ann'}},'rate_limits':{'user':{'per_minute':100,'burst':20},'connection':"
            + "{'per_minute':60,'burst':10},'liveness':{'per_minute':120,'burst':20},'overrides':{'bob':"
            + "{'per_minute':5,'burst':5}}},'queue':{'capacity':10000,'per_user':200,'ttl_ms':{}},'strategy':"
            + "'round_robin','backends':[{'name':'a','healthy':true,'breaker':'closed','in_flight':1,'runs':9,"
            + "'failures':2,'average_latency_ms':31,'fault':{'paused':true,'latency_ms':400,'failure_rate':0.5,"
            + "'expires_at':'2026-11-30T12:10:00Z','by':'bo'}},{'name':'research','healthy':false,'breaker':'open',"
            + "'in_flight':0,'runs':5,'failures':3,'average_latency_ms':200,'kind':'http','url':"
            + "'http://127.0.0.1:9000/runs','p50_latency_ms':180,'p95_latency_ms':950,'last_failure':{'reason':"
            + "'backend_unavailable','detail':'HTTP 500 from http://127.0.0.1:9000/runs','at':'2026-11-30T12:00:00Z'}}],'rollout':{'mode':'partial','candidate':'b','percent':10,"
            + "'changed_at':'2026-01-01T00:00:00Z','rollback_reason':null,'candidate_window':{'samples':4,"
            + "'p95_ms':80,'success_rate':0.75},'stable_window':{'samples':9,'p95_ms':40,'success_rate':1.0}}},"
            + "'events':[]}";

    @Test
    void describesLimitsQueueAndRolloutAndListsBreakersAndBackends() {
        ProtectionViewModel model = new ProtectionViewModel(new SilentFeed(), Runnable::run);
        model.apply(batch(0, FRAME));
        assertThat(model.limitsProperty().get()).isEqualTo("user 100/min burst 20 · connection 60/min burst 10"
                + " · liveness 120/min burst 20 · 1 overrides · 7 refused");
        assertThat(model.queueProperty().get()).isEqualTo("critical 0  normal 3  (capacity 10000, per user 200)");
        assertThat(model.rolloutProperty().get()).isEqualTo("partial · candidate b · 10% · candidate p95 80 ms,"
                + " success 0.75 over 4 · stable p95 40 ms");
        assertThat(model.breakers()).containsExactly(new ProtectionViewModel.BreakerRow("backend:a", "closed", ""),
                new ProtectionViewModel.BreakerRow("handler:ping", "forced_open", "by ann until "
                        + TimeOfDay.format(Instant.parse("2026-11-30T12:10:00Z"))));
        Instant failedAt = Instant.parse("2026-11-30T12:00:00Z");
        assertThat(model.backends()).containsExactly(
                new ProtectionViewModel.BackendRow("a", "simulated", "", "healthy", "closed", 1, 9, 2, 0, 0, "", null,
                        "paused · +400 ms · 50% failing, by bo until " + TimeOfDay.format(
                                Instant.parse("2026-11-30T12:10:00Z"))),
                new ProtectionViewModel.BackendRow("research", "http", "http://127.0.0.1:9000/runs", "unhealthy",
                        "open", 0, 5, 3, 180, 950, TimeOfDay.format(failedAt)
                        + " backend_unavailable: HTTP 500 from http://127.0.0.1:9000/runs", failedAt, ""));

        // a batch without frames changes nothing
        model.apply(batch(0));
        assertThat(model.breakers()).hasSize(2);
    }

    @Test
    void describesABreakerCommandsAnswerInWords() throws Exception {
        Instant until = Instant.parse("2026-11-30T12:10:00Z");
        assertThat(ProtectionViewModel.describe("handler:ping", reply("{'type':'command_result','result':{'name':"
                + "'handler:ping','state':'forced_open','expires_at':'2026-11-30T12:10:00Z','by':'ann'}}")))
                .isEqualTo("handler:ping forced open until " + TimeOfDay.format(until));
        assertThat(ProtectionViewModel.describe("handler:ping", reply("{'type':'command_result','result':{'name':"
                + "'handler:ping','state':'closed'}}"))).isEqualTo("handler:ping closed");
        assertThat(ProtectionViewModel.describe("handler:ping", reply("{'type':'error','code':'forbidden','message':"
                + "'this command needs the operator role'}")))
                .isEqualTo("refused: forbidden (this command needs the operator role)");
    }

    @Test
    void saysWhoIsSqueezed() {
        Instant until = Instant.parse("2026-11-30T12:10:00Z");
        assertThat(ProtectionViewModel.squeezedText(java.util.Map.of())).isEqualTo("nobody");
        assertThat(ProtectionViewModel.squeezedText(new java.util.TreeMap<>(java.util.Map.of(
                "alice", new ProtectionState.Squeezed(1, null, until, "di"),
                "bob", new ProtectionState.Squeezed(2, 3, until, "di")))))
                .isEqualTo("alice: queue 1, by di until " + TimeOfDay.format(until) + "; bob: queue 2 · outbox 3, by di"
                        + " until " + TimeOfDay.format(until));
    }

    @Test
    void describesABackendFaultCommandsAnswerInWords() throws Exception {
        assertThat(ProtectionViewModel.describeFault("research", reply("{'type':'command_result','result':{'name':"
                + "'research','fault':{'paused':false,'latency_ms':400,'failure_rate':0.25,'expires_at':"
                + "'2026-11-30T12:10:00Z','by':'bo'}}}"))).isEqualTo("research: +400 ms · 25% failing, by bo until "
                + TimeOfDay.format(Instant.parse("2026-11-30T12:10:00Z")));
        assertThat(ProtectionViewModel.describeFault("research", reply("{'type':'command_result','result':{'name':"
                + "'research','fault':null}}"))).isEqualTo("research back to normal");
        assertThat(ProtectionViewModel.describeFault("research", reply("{'type':'error','code':'invalid_message',"
                + "'message':'inject needs paused, latency_ms or failure_rate'}")))
                .isEqualTo("refused: invalid_message (inject needs paused, latency_ms or failure_rate)");
    }

    private static CommandReply reply(String json) throws Exception {
        return CommandReply.of(new ObjectMapper().readTree(json.replace('\'', '"')));
    }
}
