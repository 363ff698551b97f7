package dev.switchboard.console.ui.errors;

import static dev.switchboard.console.ui.Frames.batch;
import static dev.switchboard.console.ui.Frames.error;
import static dev.switchboard.console.ui.Frames.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.ErrorRow;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The handler-errors view model, fed by hand, without a window. */
class ErrorsViewModelTest {
    private static final ConsoleState.Limits LIMITS = new ConsoleState.Limits(10, 2, 10, 5_000, 100);

    @Test
    void startsFromTheSnapshotsRecentErrorsThenKeepsTheNewestFirstAndBounded() {
        ErrorsViewModel model = new ErrorsViewModel(LIMITS);
        model.apply(batch(0, "{'type':'monitor_snapshot','recent_errors':[" + error("old", "unknown_type") + "]}"));
        assertThat(model.errors()).extracting(ErrorRow::userId).containsExactly("old");
        model.apply(batch(0, update(error("a", "unknown_type") + "," + error("b", "invalid_json"))));
        assertThat(model.errors()).extracting(ErrorRow::userId).containsExactly("b", "a");
        assertThat(model.errors().get(0).at()).isEqualTo(Instant.parse("2026-01-01T12:00:00.250Z"));
        // a refreshed snapshot does not bring the old ones back
        model.apply(batch(0, "{'type':'monitor_snapshot','recent_errors':[" + error("old", "unknown_type") + "]}"));
        assertThat(model.errors()).extracting(ErrorRow::userId).containsExactly("b", "a");
    }

    @Test
    void filtersByUserTypeOrCodeAndShowsTheSelectedErrorAsJson() {
        ErrorsViewModel model = new ErrorsViewModel(LIMITS);
        model.apply(batch(0, update(error("alice", "unknown_type") + "," + error("bob", "invalid_json"))));
        model.filterProperty().set("json");
        assertThat(model.shown()).extracting(ErrorRow::userId).containsExactly("bob");
        model.filterProperty().set(" ");
        assertThat(model.shown()).hasSize(2);

        model.selectedProperty().set(model.errors().get(0));
        assertThat(model.detailsProperty().get()).contains("\"kind\" : \"error\"", "\"code\" : \"invalid_json\"",
                "\"at\" : \"2026-01-01T12:00:00.250Z\"");
        model.selectedProperty().set(null);
        assertThat(model.detailsProperty().get()).isEmpty();
    }
}
