package dev.switchboard.console.ui.simulate;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;

/**
 * The settings of a recording, asked before it starts: how long, whether user ids and content are
 * kept (what the router masks otherwise is said under the boxes) and the file. Every field is the
 * {@link RecordViewModel}'s; Record starts it, and the panel shows its progress from then on.
 */
final class RecordDialog {
    static final ButtonType RECORD = new ButtonType("Record", ButtonBar.ButtonData.OK_DONE);
    private static final List<String> THEMES = List.of("dark", "light");

    private RecordDialog() {
    }

    /** Shows the dialog over {@code owner}'s window (in its theme), without waiting for it. */
    static void show(RecordViewModel model, Node owner) {
        model.suggestFile();
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.setTitle("Record traffic");
        dialog.initOwner(owner.getScene().getWindow());
        DialogPane pane = dialog.getDialogPane();
        pane.setId("record-dialog");
        pane.setHeaderText("Record what users send to " + model.source() + "\ninto a scenario file that the"
                + " Simulate panel replays");
        pane.getStylesheets().setAll(owner.getScene().getStylesheets());
        pane.getStylesheets().add(RecordDialog.class.getResource("/dev/switchboard/console/simulate.css")
                .toExternalForm());
        owner.getScene().getRoot().getStyleClass().stream().filter(THEMES::contains).forEach(pane.getStyleClass()::add);
        pane.getButtonTypes().setAll(RECORD, ButtonType.CANCEL);
        pane.setContent(settings(model, pane));
        Button record = (Button) pane.lookupButton(RECORD);
        record.setId("record-start");
        record.disableProperty().bind(model.settingsProblemProperty().isNotEmpty());
        dialog.setOnHidden(event -> {
            if (dialog.getResult() == RECORD) {
                model.start();
            }
        });
        dialog.show();
    }

    private static GridPane settings(RecordViewModel model, DialogPane pane) {
        TextField duration = new TextField();
        duration.setId("record-duration");
        duration.setPrefColumnCount(6);
        duration.setMaxWidth(Region.USE_PREF_SIZE);
        duration.textProperty().bindBidirectional(model.durationProperty());
        Label durationHint = note("1 s to 1 h: 90s, 10m, 1h");

        CheckBox keepUserIds = new CheckBox("Keep user ids");
        keepUserIds.setId("record-keep-user-ids");
        keepUserIds.selectedProperty().bindBidirectional(model.keepUserIdsProperty());
        keepUserIds.setTooltip(new Tooltip("Off: users are rec-1, rec-2, … in the file, and message and thread ids"
                + " m-N and t-N"));
        CheckBox keepContent = new CheckBox("Keep content");
        keepContent.setId("record-keep-content");
        keepContent.selectedProperty().bindBidirectional(model.keepContentProperty());
        keepContent.setTooltip(new Tooltip("Off: the router replaces every text but ids, types and names with filler"
                + " of the same length before it leaves the router"));
        Label masking = note(RecordViewModel.MASKING);
        masking.setId("record-masking");
        masking.setWrapText(true);
        masking.setMaxWidth(560);
        masking.setMinHeight(Label.USE_PREF_SIZE);

        TextField file = new TextField();
        file.setId("record-file");
        file.setPrefColumnCount(56);
        file.textProperty().bindBidirectional(model.fileProperty());
        file.positionCaret(file.getText().length()); // a long path shows its file name
        Button choose = new Button("Choose…");
        choose.setId("record-choose");
        choose.setOnAction(event -> chooseFile(model, pane));
        Label problem = new Label();
        problem.setId("record-problem");
        problem.getStyleClass().add("sim-problem");
        problem.textProperty().bind(model.settingsProblemProperty());
        problem.managedProperty().bind(problem.textProperty().isNotEmpty());

        HBox durationRow = new HBox(8, duration, durationHint);
        durationRow.setAlignment(Pos.BASELINE_LEFT);
        HBox fileRow = new HBox(8, file, choose);
        fileRow.setAlignment(Pos.BASELINE_LEFT);
        HBox.setHgrow(file, Priority.ALWAYS);
        choose.setMinWidth(Region.USE_PREF_SIZE);
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(8);
        grid.addRow(0, new Label("Duration"), durationRow);
        grid.add(keepUserIds, 1, 1);
        grid.add(keepContent, 1, 2);
        grid.add(masking, 1, 3);
        grid.addRow(4, new Label("Save to"), fileRow);
        grid.add(problem, 1, 5);
        return grid;
    }

    private static Label note(String text) {
        Label note = new Label(text);
        note.getStyleClass().add("sim-note");
        return note;
    }

    private static void chooseFile(RecordViewModel model, DialogPane pane) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the recording as");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Scenario files (*.json)", "*.json"));
        Path current;
        try {
            current = Path.of(model.fileProperty().get().trim()).toAbsolutePath();
        } catch (java.nio.file.InvalidPathException e) {
            current = Path.of("recording.rec.json").toAbsolutePath();
        }
        // the default directory (src/scenarios/recordings) is made by the first recording: start where it will be
        Path directory = current.getParent();
        while (directory != null && !directory.toFile().isDirectory()) {
            directory = directory.getParent();
        }
        if (directory != null) {
            chooser.setInitialDirectory(directory.toFile());
        }
        if (current.getFileName() != null) {
            chooser.setInitialFileName(current.getFileName().toString());
        }
        File chosen = chooser.showSaveDialog(pane.getScene().getWindow());
        if (chosen != null) {
            model.fileProperty().set(chosen.getPath());
        }
    }
}
