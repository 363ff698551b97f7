package dev.switchboard.console.ui.log;

import dev.switchboard.console.state.LogRow;
import dev.switchboard.console.ui.common.Tables;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import org.controlsfx.control.textfield.TextFields;

/** Every message in and event out, newest at the bottom; filters; pause freezes the view. */
public final class LogView extends BorderPane {
    private final LogViewModel model;
    private final TableView<LogRow> table = new TableView<>();
    private final TextField userFilter = TextFields.createClearableTextField();
    private final TextField typeFilter = TextFields.createClearableTextField();
    private final ChoiceBox<String> direction = new ChoiceBox<>(
            FXCollections.observableArrayList(LogViewModel.DIRECTIONS));
    private final ToggleButton pause = new ToggleButton();

    public LogView(LogViewModel model) {
        this.model = model;
        createView();
        initListeners();
    }

    private void createView() {
        setId("log");
        Tables.fill(table, "log-table", model.shownProperty().get(),
                "Nothing yet: every message in and event out appears here as it happens (or clear the filter).");
        Tables.timeColumn(table, "Time", LogRow::at);
        Tables.textColumn(table, "Dir", LogRow::direction);
        Tables.textColumn(table, "User", LogRow::userId);
        Tables.textColumn(table, "Type", LogRow::type);
        Tables.textColumn(table, "Detail", LogRow::detail);
        userFilter.setId("log-user-filter");
        userFilter.setPromptText("user");
        typeFilter.setId("log-type-filter");
        typeFilter.setPromptText("type");
        direction.setId("log-direction");
        pause.setId("log-pause");
        HBox bar = new HBox(8, userFilter, typeFilter, direction, pause);
        bar.setPadding(new Insets(8));
        setTop(bar);
        setCenter(table);
    }

    private void initListeners() {
        userFilter.textProperty().bindBidirectional(model.userFilterProperty());
        typeFilter.textProperty().bindBidirectional(model.typeFilterProperty());
        direction.valueProperty().bindBidirectional(model.directionProperty());
        pause.selectedProperty().bindBidirectional(model.pausedProperty());
        pause.textProperty().bind(model.pauseTextProperty());
        table.itemsProperty().bind(model.shownProperty());
    }
}
