package dev.switchboard.console.ui.errors;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.ErrorRow;
import dev.switchboard.console.state.MonitorBatch;
import dev.switchboard.router.monitor.wire.MonitorEvent;
import dev.switchboard.router.monitor.wire.MonitorFrame;
import dev.switchboard.router.monitor.wire.MonitorSnapshot;
import dev.switchboard.router.monitor.wire.MonitorUpdate;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * The handler-errors view's state: the errors sent to clients, newest first and bounded (the
 * snapshot's recent ones until updates bring more), the filter on user, type or code, and the
 * selected error as JSON. No scene graph.
 */
public final class ErrorsViewModel implements MonitorBatch.Listener {
    private final int limit;
    private final ObservableList<ErrorRow> errors = FXCollections.observableArrayList();
    private final ObservableList<ErrorRow> errorsView = FXCollections.unmodifiableObservableList(errors);
    private final FilteredList<ErrorRow> filtered = new FilteredList<>(errorsView);
    private final StringProperty filter = new SimpleStringProperty(this, "filter", "");
    private final ObjectProperty<ErrorRow> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyStringWrapper details = new ReadOnlyStringWrapper(this, "details", "");

    public ErrorsViewModel(ConsoleState.Limits limits) {
        this.limit = limits.errors();
        filter.addListener((observable, before, text) -> {
            String wanted = text == null ? "" : text.trim();
            filtered.setPredicate(wanted.isEmpty() ? null : row -> row.userId().contains(wanted)
                    || row.type().contains(wanted) || row.code().contains(wanted));
        });
        selected.addListener((observable, before, row) -> details.set(row == null ? "" : row.json()));
    }

    @Override
    public void apply(MonitorBatch batch) {
        for (MonitorFrame frame : batch.frames()) {
            if (frame instanceof MonitorSnapshot snapshot && errors.isEmpty()) {
                List<ErrorRow> recent = new ArrayList<>();
                snapshot.recentErrors().forEach(error -> recent.add(0, ErrorRow.of(error)));
                errors.setAll(recent.subList(0, Math.min(recent.size(), limit)));
            } else if (frame instanceof MonitorUpdate update) {
                List<ErrorRow> newest = new ArrayList<>();
                for (MonitorEvent event : update.events()) {
                    if (event instanceof MonitorEvent.ErrorSent error) {
                        newest.add(0, ErrorRow.of(error));
                    }
                }
                if (!newest.isEmpty()) {
                    errors.addAll(0, newest);
                    if (errors.size() > limit) {
                        errors.remove(limit, errors.size());
                    }
                }
            }
        }
    }

    /** Every error kept, newest first. */
    public ObservableList<ErrorRow> errors() {
        return errorsView;
    }

    /** The errors the filter lets through, newest first. */
    public ObservableList<ErrorRow> shown() {
        return filtered;
    }

    /** Part of a user id, a message type or an error code; empty shows all. */
    public StringProperty filterProperty() {
        return filter;
    }

    /** The error the user looks at, or null. */
    public ObjectProperty<ErrorRow> selectedProperty() {
        return selected;
    }

    /** The selected error as indented JSON (what "Copy as JSON" copies), empty when none is. */
    public ReadOnlyStringProperty detailsProperty() {
        return details.getReadOnlyProperty();
    }
}
