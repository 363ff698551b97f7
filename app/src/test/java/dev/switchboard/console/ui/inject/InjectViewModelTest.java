package dev.switchboard.console.ui.inject;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.console.feed.EmbeddedFeed;
import dev.switchboard.console.inject.ConnectionState;
import dev.switchboard.console.inject.Injector;
import dev.switchboard.console.inject.ReceivedFrame;
import dev.switchboard.console.inject.TemplateLibrary;
import dev.switchboard.console.state.ConnectionRow;
import dev.switchboard.router.support.TestRouters;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The inject panel's state, without a window. */
class InjectViewModelTest {
    private final ObservableList<ConnectionRow> connections = FXCollections.observableArrayList();

    private static Injector offline() {
        return new Injector(user -> CompletableFuture.failedFuture(new IllegalStateException("offline")),
                Clock.systemUTC(), 10);
    }

    private static ConnectionRow connection(String id, String user) {
        return new ConnectionRow(id, user, "127.0.0.1:1", "", "", "", 0, 0);
    }

    private InjectViewModel model(Injector injector, String unavailable) {
        return new InjectViewModel(injector, TemplateLibrary.load(Path.of("")), connections, unavailable);
    }

    @Test
    void startsWithAPingAndSendsOnlyOnceAValidUserIsChosen() {
        try (Injector injector = offline()) {
            InjectViewModel model = model(injector, null);
            assertThat(model.draftProperty().get()).contains("\"type\": \"ping\"");
            assertThat(model.sendableProperty().get()).isFalse();
            assertThat(model.verdictProperty().get()).isEqualTo("✗ choose a connected user or type a new user id");

            model.userProperty().set(" zoe ");
            assertThat(model.sendableProperty().get()).isTrue();
            assertThat(model.verdictProperty().get()).isEqualTo("✓ ping as zoe");

            model.userProperty().set("zoe smith");
            assertThat(model.sendableProperty().get()).isFalse();
            assertThat(model.verdictProperty().get()).startsWith("✗ a user id is 1 to 64 characters");
        }
    }

    @Test
    void invalidJsonOrAMissingTypeDisablesSendAndSaysWhy() {
        try (Injector injector = offline()) {
            InjectViewModel model = model(injector, null);
            model.userProperty().set("zoe");
            model.draftProperty().set("{\"type\": \"ping\",");
            assertThat(model.sendableProperty().get()).isFalse();
            assertThat(model.verdictProperty().get()).startsWith("✗ not valid JSON at line 1");
            model.draftProperty().set("{\"message_id\": \"p-1\"}");
            assertThat(model.verdictProperty().get()).isEqualTo("✗ missing \"type\"");
            assertThat(model.sendableProperty().get()).isFalse();
        }
    }

    @Test
    void sendRawLetsInvalidTextGoOutAndSaysTheRouterWillAnswerWithAnError() {
        try (Injector injector = offline()) {
            InjectViewModel model = model(injector, null);
            model.userProperty().set("zoe");
            model.draftProperty().set("{\"type\": \"ping\",");
            assertThat(model.sendableProperty().get()).isFalse();
            model.rawProperty().set(true);
            assertThat(model.sendableProperty().get()).isTrue();
            assertThat(model.verdictProperty().get()).startsWith("✓ the text as it is (not valid JSON at line 1")
                    .endsWith("the router will answer with an error) as zoe");
            model.draftProperty().set("");
            assertThat(model.sendableProperty().get()).isFalse(); // an empty frame is not a test of anything
            model.draftProperty().set("{\"type\": \"ping\"}");
            assertThat(model.verdictProperty().get()).isEqualTo("✓ ping as zoe");
        }
    }

    @Test
    void aSourceThatCannotInjectSaysSoAndNeverSends() {
        try (Injector injector = offline()) {
            InjectViewModel model = model(injector, "a saved session has no router to send to");
            model.userProperty().set("zoe");
            assertThat(model.sendableProperty().get()).isFalse();
            assertThat(model.noteProperty().get()).isEqualTo("Injection is unavailable: a saved session has no router to send to.");
            assertThat(model.verdictProperty().get()).isEqualTo("✗ injection is unavailable: a saved session has no router to send to");
        }
    }

    @Test
    void offersTheConnectedUsersOnceEachSortedFromTheNextTick() {
        try (Injector injector = offline()) {
            InjectViewModel model = model(injector, null);
            connections.setAll(connection("c-1", "bob"), connection("c-2", "alice"), connection("c-3", "alice"),
                    connection("c-5", "user-10"), connection("c-6", "user-2"));
            model.tick();
            // in the Connections view's order: user-2 before user-10
            assertThat(model.users()).containsExactly("alice", "bob", "user-2", "user-10");
            connections.removeIf(row -> row.userId().startsWith("user-"));
            model.tick();
            assertThat(model.users()).containsExactly("alice", "bob");
            connections.remove(0);
            model.tick();
            assertThat(model.users()).containsExactly("alice");
            connections.remove(0); // one of alice's two
            model.tick();
            assertThat(model.users()).containsExactly("alice");
            connections.removeIf(row -> row.userId().equals("alice"));
            connections.add(connection("c-4", "carol"));
            model.tick();
            assertThat(model.users()).containsExactly("carol");
        }
    }

    @Test
    void keepsTheOfferInStepWithEachConnectionOpeningAndClosingAtTenThousandUsers() {
        try (Injector injector = offline()) {
            List<ConnectionRow> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                rows.add(connection("c-" + i, String.format("u-%05d", i)));
            }
            connections.setAll(rows); // held before the panel is made: counted at its start
            InjectViewModel model = model(injector, null);
            connections.removeIf(row -> row.userId().compareTo("u-00010") < 0); // the first ten users leave
            connections.add(connection("c-new", "u-00003")); // one comes back
            model.tick();
            assertThat(model.users()).hasSize(InjectViewModel.USERS_OFFERED).startsWith("u-00003", "u-00010")
                    .endsWith("u-00208");
        }
    }

    @Test
    void offersTheFirstTwoHundredUsersByIdHoweverManyAreConnected() {
        try (Injector injector = offline()) {
            InjectViewModel model = model(injector, null);
            List<ConnectionRow> rows = new java.util.ArrayList<>();
            for (int i = 9_999; i >= 0; i--) {
                rows.add(connection("c-" + i, String.format("u-%05d", i)));
            }
            connections.setAll(rows);
            model.tick();
            assertThat(model.users()).hasSize(InjectViewModel.USERS_OFFERED).startsWith("u-00000", "u-00001")
                    .endsWith("u-00199");
        }
    }

    @Test
    void showsWhatTheInjectedConnectionReceivedNewestFirstAndTheSentMessage() {
        try (EmbeddedFeed feed = EmbeddedFeed.start(TestRouters.config().httpPort(-1).build());
             Injector injector = new Injector(feed, Clock.systemUTC())) {
            InjectViewModel model = model(injector, null);
            model.userProperty().set("zoe");
            model.send();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                model.tick();
                return model.received().size() == 2 && model.history().size() == 1;
            });
            assertThat(model.received()).extracting(ReceivedFrame::type).containsExactly("pong", "connection_established");
            assertThat(model.history().get(0).sent()).isTrue();
            assertThat(model.history().get(0).userId()).isEqualTo("zoe");
            assertThat(model.connectionProperty().get().phase()).isEqualTo(ConnectionState.Phase.OPEN);
            assertThat(model.receivedSummaryProperty().get()).isEqualTo("2 frames received");

            model.edit(model.history().get(0));
            assertThat(model.draftProperty().get()).isEqualTo(model.history().get(0).text());
        }
    }
}
