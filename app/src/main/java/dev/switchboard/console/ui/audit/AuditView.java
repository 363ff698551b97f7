package dev.switchboard.console.ui.audit;

import dev.switchboard.console.ui.common.Tables;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;

/** Who did what to the router: every operator action, newest first, as every monitor saw it. */
public final class AuditView extends BorderPane {
    private final TableView<AuditViewModel.ActionRow> table = new TableView<>();

    public AuditView(AuditViewModel model) {
        setId("audit");
        Tables.fill(table, "audit-table", model.actions(), "No operator action yet:"
                + " disconnects, rollouts, rate limits, issued tokens, forced breakers and backend faults show here,"
                + " whoever sent them.");
        Tables.bounded(Tables.timeColumn(table, "Time", AuditViewModel.ActionRow::at), 100, 130);
        Tables.bounded(Tables.textColumn(table, "By", AuditViewModel.ActionRow::by), 110, 200);
        Tables.bounded(Tables.textColumn(table, "Action", AuditViewModel.ActionRow::action), 120, 160);
        Tables.bounded(Tables.textColumn(table, "Outcome", AuditViewModel.ActionRow::outcome), 130, 220);
        Tables.bounded(Tables.textColumn(table, "Arguments", AuditViewModel.ActionRow::args), 300, 600);
        Tables.textColumn(table, "Result", AuditViewModel.ActionRow::result);
        Label note = new Label("Every operator command the router carried out (the last 100 from before this"
                + " console attached included) and the ones it refused, a viewer's attempts included (at most one a"
                + " second per sender), as every console watching it sees them; the router also logs each one.");
        note.setPadding(new Insets(8));
        note.setWrapText(true);
        setTop(note);
        setCenter(table);
    }
}
