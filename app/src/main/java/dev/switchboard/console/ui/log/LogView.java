package dev.switchboard.console.ui.log;

import dev.switchboard.console.state.ConsoleState;
import dev.switchboard.console.state.LogRow;
import dev.switchboard.console.ui.common.Tables;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;

/** Every message in and event out, newest at the bottom; filters; pause freezes the view. */
public final class LogView extends BorderPane {
    private final ConsoleState state;
    private final TableView<LogRow> table = new TableView<>();
    private final TextField userFilter = new TextField();
    private final TextField typeFilter = new TextField();
    private final ChoiceBox<String> direction = new ChoiceBox<>(FXCollections.observableArrayList("both", "in", "out"));
    private final ToggleButton pause = new ToggleButton("Pause");
    private final FilteredList<LogRow> filtered;

    public LogView(ConsoleState state) {
        this.state = state;
        this.filtered = new FilteredList<>(state.log());
        createView();
        initListeners();
    }

    private void createView() {
        setId("log");
        Tables.fill(table, "log-table", filtered);
        Tables.textColumn(table, "Time", LogRow::at);
        Tables.textColumn(table, "Dir", LogRow::direction);
        Tables.textColumn(table, "User", LogRow::userId);
        Tables.textColumn(table, "Type", LogRow::type);
        Tables.textColumn(table, "Detail", LogRow::detail);
        userFilter.setId("log-user-filter");
        userFilter.setPromptText("user");
        typeFilter.setId("log-type-filter");
        typeFilter.setPromptText("type");
        direction.setId("log-direction");
        direction.setValue("both");
        pause.setId("log-pause");
        HBox bar = new HBox(8, userFilter, typeFilter, direction, pause);
        bar.setPadding(new Insets(8));
        setTop(bar);
        setCenter(table);
    }

    private void initListeners() {
        userFilter.textProperty().addListener((observable, before, text) -> refilter());
        typeFilter.textProperty().addListener((observable, before, text) -> refilter());
        direction.valueProperty().addListener((observable, before, value) -> refilter());
        pause.selectedProperty().addListener((observable, before, paused) -> {
            pause.setText(paused ? "Resume" : "Pause");
            table.setItems(paused ? FXCollections.observableArrayList(filtered) : filtered);
        });
    }

    private void refilter() {
        String user = userFilter.getText() == null ? "" : userFilter.getText().trim();
        String type = typeFilter.getText() == null ? "" : typeFilter.getText().trim();
        String dir = direction.getValue();
        filtered.setPredicate(row -> (user.isEmpty() || row.userId().contains(user))
                && (type.isEmpty() || row.type().contains(type))
                && ("both".equals(dir) || row.direction().equals(dir)));
    }
}
