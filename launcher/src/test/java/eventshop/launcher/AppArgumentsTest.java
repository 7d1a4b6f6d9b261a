package eventshop.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the launcher tells each application ({@link AppArguments}). */
class AppArgumentsTest {

    private final Path data = Path.of("/tmp/eventshop-data");
    private final StoreConfig config = StoreConfig.standard(data).withPort("payments", 9186);
    private final Secrets secrets = new Secrets("c2VjcmV0", "b2xk,b2xkZXI=", "admin-pw", Secrets.AdminPasswordSource.ENVIRONMENT,
            data.resolve("secrets/admin-password"), "bWFzdGVy");

    private List<String> argumentsOf(String name) {
        return AppArguments.of(config, secrets, config.apps().stream().filter(app -> app.name().equals(name))
                .findFirst().orElseThrow());
    }

    @Test
    void aService_getsItsDataDirectory_theBroker_theSecret_andWhereTheOthersAnswer() {
        assertThat(argumentsOf("carts")).contains("--server.port=8084",
                "--eventshop.eventstore.directory=" + data.resolve("carts/eventstore"),
                "--spring.cloud.stream.kafka.binder.brokers=localhost:9092",
                "--eventshop.security.token-secret=c2VjcmV0",
                "--eventshop.security.previous-token-secrets=b2xk,b2xkZXI=",
                "--eventshop.services.payments.url=http://localhost:9186");
        assertThat(argumentsOf("accounts")).contains("--eventshop.accounts.admin.password=admin-pw",
                "--eventshop.privacy.master-key=bWFzdGVy");
        assertThat(argumentsOf("carts")).noneMatch(argument -> argument.contains("admin.password"))
                .noneMatch(argument -> argument.contains("master-key"));
    }

    @Test
    void everyApplicationButEdge_listensOnTheLoopbackOnly() {
        for (ServiceApp app : config.services()) {
            assertThat(AppArguments.of(config, secrets, app)).as(app.name()).contains("--server.address=127.0.0.1");
        }
        // edge is the store's door: on every interface (no address, Tomcat's default)
        assertThat(argumentsOf("edge")).noneMatch(argument -> argument.startsWith("--server.address="));
    }

    @Test
    void withoutPreviousTokenKeys_noSuchArgument() {
        Secrets onlyCurrent = new Secrets("c2VjcmV0", "", "admin-pw", Secrets.AdminPasswordSource.ENVIRONMENT,
                data.resolve("secrets/admin-password"), "bWFzdGVy");
        assertThat(AppArguments.of(config, onlyCurrent, config.edge()))
                .noneMatch(argument -> argument.contains("previous-token-secrets"));
    }

    @Test
    void theEngine_isTheApplicationsOwnChoice() {
        // functions.yml says engine none, views.yml memory: an argument would override both
        for (ServiceApp app : config.services()) {
            assertThat(AppArguments.of(config, secrets, app)).noneMatch(argument -> argument.startsWith(
                    "--eventshop.eventstore.engine="));
        }
    }

    @Test
    void edge_getsEveryServicesUrl_itsSessionsDatabase_andWaitsForTheStore() {
        assertThat(argumentsOf("edge")).contains("--server.port=8080", "--eventshop.edge.services.payments=http://localhost:9186",
                "--eventshop.edge.await-store-ready=true", "--eventshop.security.token-secret=c2VjcmV0",
                "--eventshop.security.previous-token-secrets=b2xk,b2xkZXI=",
                "--spring.kafka.consumer.properties.session.timeout.ms=10000")
                .anyMatch(argument -> argument.startsWith("--spring.datasource.url=jdbc:h2:file:" + data.resolve("edge/sessions")));
        assertThat(argumentsOf("edge")).noneMatch(argument -> argument.startsWith("--eventshop.eventstore."));
    }

    @Test
    void theStoresOwnProperties_win() {
        List<String> arguments = AppArguments.of(config.withProperty("server.port", "1")
                .withProperty("eventshop.orders.step-timeout", "4s"), secrets, config.edge());

        assertThat(arguments).contains("--server.port=1", "--eventshop.orders.step-timeout=4s")
                .doesNotContain("--server.port=8080");
    }
}
