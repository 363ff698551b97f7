package dev.switchboard.console.ui.why;

import dev.switchboard.router.monitor.wire.TraceRecord;
import dev.switchboard.router.monitor.wire.TraceStep;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Why a message got its answer, drawn: one row per step of its trace, each a bar on the message's
 * own time axis (from its frame's arrival to its last step) with its time and what it decided.
 * Shown under every view when a Why button asks, until closed. Redrawn once per answer, never per
 * message.
 */
public final class WhyPane extends VBox {
    /** The bars' track, in pixels: the whole trace's time. */
    static final double TRACK = 260;
    private final WhyViewModel model;
    private final Label title = new Label();
    private final GridPane steps = new GridPane();
    private final ScrollPane scroll = new ScrollPane(steps);
    private final Button copy = new Button("Copy");
    private final Button close = new Button("Close");

    public WhyPane(WhyViewModel model) {
        this.model = model;
        createView();
        initListeners();
    }

    private void createView() {
        setId("why-pane");
        setSpacing(6);
        title.setId("why-title");
        title.getStyleClass().add("why-title");
        title.setWrapText(true);
        title.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(title, Priority.ALWAYS);
        copy.setId("why-copy");
        copy.setTooltip(new Tooltip("Copy the answer as text, step by step"));
        close.setId("why-close");
        HBox header = new HBox(8, title, copy, close);
        header.setAlignment(Pos.CENTER_LEFT);
        steps.setId("why-steps");
        steps.setHgap(10);
        steps.setVgap(3);
        steps.setPadding(new Insets(2, 4, 2, 4));
        ColumnConstraints detail = new ColumnConstraints();
        detail.setHgrow(Priority.ALWAYS);
        steps.getColumnConstraints().addAll(new ColumnConstraints(), new ColumnConstraints(),
                new ColumnConstraints(TRACK + 4), new ColumnConstraints(), detail);
        scroll.setFitToWidth(true);
        scroll.setPrefViewportHeight(180);
        scroll.setMaxHeight(240);
        getChildren().addAll(header, scroll);
        setVisible(false);
        setManaged(false);
    }

    private void initListeners() {
        model.answerProperty().addListener((observable, before, answer) -> render(answer));
        model.showingProperty().addListener((observable, before, shown) -> {
            setVisible(shown);
            setManaged(shown);
        });
        close.setOnAction(event -> model.close());
        copy.setOnAction(event -> {
            WhyViewModel.Answer answer = model.answerProperty().get();
            if (answer != null) {
                ClipboardContent content = new ClipboardContent();
                content.putString(answer.text());
                Clipboard.getSystemClipboard().setContent(content);
            }
        });
    }

    private void render(WhyViewModel.Answer answer) {
        steps.getChildren().clear();
        if (answer == null) {
            title.setText("");
            return;
        }
        TraceRecord trace = answer.trace();
        if (trace == null) {
            title.setText(answer.text());
            scroll.setVisible(false);
            scroll.setManaged(false);
            return;
        }
        scroll.setVisible(true);
        scroll.setManaged(true);
        title.setText(String.format(Locale.ROOT, "Why %s (%s) got its answer: %.3f ms in the router, %d characters%s",
                answer.question().what(), trace.type(), trace.totalMs(), trace.frameBytes(),
                trace.done() ? "" : " — still under way, ask again for the rest"));
        double total = Math.max(trace.totalMs(), 0.001);
        int row = 0;
        for (TraceStep step : trace.steps()) {
            Label at = stepLabel(String.format(Locale.ROOT, "%+9.3f ms", step.atMs()));
            Label name = stepLabel(step.step());
            Label took = stepLabel(String.format(Locale.ROOT, "%8.3f ms", step.ms()));
            Label detail = new Label(WhyViewModel.detail(step));
            detail.getStyleClass().add("why-detail");
            detail.setWrapText(true);
            detail.setTooltip(new Tooltip(detail.getText()));
            Pane bar = bar(step, total);
            for (javafx.scene.Node cell : new javafx.scene.Node[] {at, name, bar, took, detail}) {
                GridPane.setValignment(cell, javafx.geometry.VPos.TOP); // a long detail wraps below, the step stays level
            }
            steps.addRow(row++, at, name, bar, took, detail);
        }
        if (trace.droppedSteps() > 0) {
            steps.add(new Label(trace.droppedSteps() + " more steps, counted, not kept"), 1, row, 4, 1);
        }
    }

    private static Label stepLabel(String text) {
        Label label = new Label(text);
        label.getStyleClass().add("why-step");
        label.setMinWidth(Region.USE_PREF_SIZE);
        return label;
    }

    /** The step's bar on the trace's time axis: where it began and how long it took (at least 2 px). */
    private static Pane bar(TraceStep step, double totalMs) {
        Region bar = new Region();
        bar.getStyleClass().addAll("why-bar", step.step().replace('_', '-'));
        double x = Math.min(TRACK - 2, step.atMs() / totalMs * TRACK);
        bar.setLayoutX(x);
        bar.setLayoutY(3);
        double width = Math.max(2, Math.min(TRACK - x, step.ms() / totalMs * TRACK));
        bar.setMinSize(width, 10); // a Pane sizes its children to their preferred size
        bar.setPrefSize(width, 10);
        bar.setMaxSize(width, 10);
        Pane track = new Pane(bar);
        track.getStyleClass().add("why-track");
        track.setPrefSize(TRACK, 16);
        track.setMinSize(TRACK, 16);
        track.setMaxSize(TRACK, 16);
        return track;
    }
}
