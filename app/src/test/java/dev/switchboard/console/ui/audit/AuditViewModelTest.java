package dev.switchboard.console.ui.audit;

import static dev.switchboard.console.ui.Frames.batch;
import static dev.switchboard.console.ui.Frames.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

/** The audit view model, fed by hand, without a window. */
class AuditViewModelTest {

    private static String action(String by, String command, String result) {
        return "{'kind':'operator_action','at':'2026-11-30T20:00:00Z','by':'" + by + "','action':'" + command
                + "','args':{'user_id':'alice'},'result':" + result + "}";
    }

    @Test
    void listsTheSnapshotsRecentActionsThenEveryNewOneNewestFirst() {
        AuditViewModel model = new AuditViewModel();
        model.apply(batch(0, "{'type':'monitor_snapshot','recent_actions':[" + action("ann", "disconnect_user",
                "{'disconnected':2}") + "," + action("watcher", "disconnect_user",
                "{'error':'forbidden','message':'this command needs the operator role'}") + "]}"));
        assertThat(model.actions()).extracting(AuditViewModel.ActionRow::by, AuditViewModel.ActionRow::outcome)
                .containsExactly(tuple("watcher", "refused: forbidden"), tuple("ann", "done"));

        model.apply(batch(1, update(action("bo", "set_rate_limit", "{'user_id':'alice'}"))));
        assertThat(model.actions()).extracting(AuditViewModel.ActionRow::by).containsExactly("bo", "watcher", "ann");
        assertThat(model.actions().get(0).args()).isEqualTo("{\"user_id\":\"alice\"}");

        // a later snapshot (a reconnect) brings nothing twice
        model.apply(batch(2, "{'type':'monitor_snapshot','recent_actions':[" + action("ann", "disconnect_user",
                "{'disconnected':2}") + "]}"));
        assertThat(model.actions()).hasSize(3);
    }
}
