package dev.switchboard.console.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.router.Router;
import dev.switchboard.router.support.TestRouters;
import dev.switchboard.router.support.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates from {@code src/scenarios/templates}, with the built-in copy as fallback. */
class TemplateLibraryTest {

    @Test
    void everyClientTypeOfTheProtocolHasAValidTemplate() {
        TemplateLibrary library = TemplateLibrary.load(Path.of(""));
        assertThat(library.names()).startsWith("ping", "heartbeat", "typing", "user_message", "start_agent",
                "stop_agent", "get_quality_metrics", "subscribe_quality_alerts", "validate_content",
                "generate_quality_report", "batch", "jsonrpc_ping");
        for (MessageTemplate template : library.templates()) {
            assertThat(DraftCheck.of(template.text()).sendable()).as(template.name()).isTrue();
        }
        assertThat(DraftCheck.of(library.named("ping").orElseThrow().text()).type()).isEqualTo("ping");
    }

    @Test
    void theRouterAnswersEveryTemplateWithoutAnError() throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (Router router = TestRouters.start(config -> config.httpPort(-1));
             WsClient zoe = WsClient.connect(router.clientUri(), "zoe")) {
            for (MessageTemplate template : TemplateLibrary.load(Path.of("")).templates()) {
                JsonNode message = json.readTree(template.text());
                zoe.send(template.text());
                if (message.has("jsonrpc")) {
                    assertThat(zoe.awaitRpc(message.path("id").asText()).has("result")).as(template.name()).isTrue();
                } else if (message.path("type").asText().equals("batch")) {
                    // each element is answered on its own; the batch itself is not
                    message.path("payload").path("messages").forEach(element ->
                            zoe.awaitReply(element.path("message_id").asText()));
                } else if (!message.path("type").asText().equals("typing")) { // typing has no reply
                    zoe.awaitReply(message.path("message_id").asText());
                }
            }
            zoe.assertUsable();
            // the one error: stop_agent names no real run
            assertThat(zoe.seen()).filteredOn(frame -> frame.path("type").asText().equals("error"))
                    .extracting(frame -> frame.path("code").asText() + " " + frame.path("reply_to").asText())
                    .containsExactly("not_found stop-1");
        }
    }

    @Test
    void theBuiltInCopyIsTheSameAsTheProjectsTemplatesFolder() throws IOException {
        // the tests run in app/: the folder is found in a parent
        Path folder = TemplateLibrary.find(Path.of("").toAbsolutePath());
        assertThat(folder).isNotNull();
        for (String name : TemplateLibrary.BUILT_IN) {
            assertThat(TemplateLibrary.builtIn(name).text()).as(name + ".json (copy it to app/src/main/resources/"
                            + "dev/switchboard/console/templates/)")
                    .isEqualTo(Files.readString(folder.resolve(name + ".json"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutAFolderTheBuiltInTemplatesAreUsedAndSavingCreatesTheFolder(@TempDir Path workingDir) throws IOException {
        TemplateLibrary library = TemplateLibrary.load(workingDir);
        assertThat(library.names()).containsExactlyElementsOf(TemplateLibrary.BUILT_IN);
        assertThat(library.templates()).allMatch(template -> template.origin().equals("built-in"));
        assertThat(library.source()).startsWith("12 built-in templates");

        TemplateLibrary saved = library.save("alice_hello", "{\"type\":\"user_message\",\"payload\":{\"content\":\"hello\"}}");
        Path file = workingDir.resolve("src/scenarios/templates/alice_hello.json");
        assertThat(file).hasContent("{\"type\":\"user_message\",\"payload\":{\"content\":\"hello\"}}");
        assertThat(saved.named("alice_hello")).isPresent();
        assertThat(saved.names()).endsWith("alice_hello");
        assertThat(TemplateLibrary.load(workingDir).named("alice_hello").orElseThrow().origin()).isEqualTo(file.toString());
    }

    @Test
    void aFolderInAParentIsFoundAndItsFilesWinOverTheBuiltInOnes(@TempDir Path root) throws IOException {
        Path folder = Files.createDirectories(root.resolve("src/scenarios/templates"));
        Files.writeString(folder.resolve("ping.json"), "{\"type\":\"ping\",\"message_id\":\"mine\"}\n");
        Path module = Files.createDirectories(root.resolve("app"));
        TemplateLibrary library = TemplateLibrary.load(module);
        assertThat(library.directory()).isEqualTo(folder);
        assertThat(library.named("ping").orElseThrow().text()).contains("mine");
        assertThat(library.named("batch").orElseThrow().origin()).isEqualTo("built-in");
        assertThat(library.source()).isEqualTo("1 template from " + folder + ", 11 built in");
    }

    @Test
    void aTemplateNameCannotLeaveTheFolder(@TempDir Path workingDir) {
        TemplateLibrary library = TemplateLibrary.load(workingDir);
        assertThatThrownBy(() -> library.save("../evil", "{\"type\":\"ping\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> library.save("", "{\"type\":\"ping\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
