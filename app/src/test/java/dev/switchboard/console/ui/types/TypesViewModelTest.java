package dev.switchboard.console.ui.types;

import static dev.switchboard.console.ui.Frames.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.TypeRow;
import org.junit.jupiter.api.Test;

/** The message-types view model, fed by hand, without a window. */
class TypesViewModelTest {

    private static String stats(long pings, long errors) {
        return "{'type':'monitor_update','stats':{'by_type':{'ping':" + pings + ",'user_message':1},"
                + "'errors_by_type':{'ping':" + errors + "}},'events':[]}";
    }

    @Test
    void countsOnEveryFrameAndRatesOverTheLastWholeSecond() {
        TypesViewModel model = new TypesViewModel();
        model.apply(batch(10_000, stats(10, 0)));
        assertThat(model.types()).containsExactly(new TypeRow("ping", 10, 0, 0, 0),
                new TypeRow("user_message", 1, 0, 0, 0));
        model.apply(batch(10_500, stats(15, 1)));
        assertThat(model.types().get(0)).isEqualTo(new TypeRow("ping", 15, 0, 0, 1));
        model.apply(batch(12_000, stats(30, 1)));
        assertThat(model.types().get(0)).isEqualTo(new TypeRow("ping", 30, 10, 0, 1));
        assertThat(model.types().get(1).rate()).isEqualTo(0);
    }

    @Test
    void unknownTypesAndRefusedFramesAreRowsWithTheErrorsSentForEachType() {
        TypesViewModel model = new TypesViewModel();
        model.apply(batch(10_000, "{'type':'monitor_update','stats':{'unhandled':4,'by_type':{'ping':10},"
                + "'errors_sent_by_type':{'ping':2,'validate_content':3,'(unknown type)':4,'(refused frame)':5,"
                + "'agent_run':1}},'events':[]}"));
        assertThat(model.types()).containsExactly(new TypeRow("ping", 10, 0, 2, 0),
                new TypeRow("validate_content", 0, 0, 3, 0), new TypeRow("(unknown type)", 4, 0, 4, 0),
                new TypeRow("(refused frame)", 5, 0, 5, 0));
    }
}
