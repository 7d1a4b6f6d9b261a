package eventshop.edge.docs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Edge's own OpenAPI description ({@code /v3/api-docs}): its login and its breakers (for an admin), under the
 * session token it issues.
 * The services describe themselves; edge gathers theirs at {@code /api/docs} and shows them all in
 * Swagger UI ({@code /swagger-ui.html}).
 */
@Configuration(proxyBeanMethods = false)
class EdgeApiDescription {

    static final String SESSION = "session";

    @Bean
    OpenAPI edgeOpenApi(Environment environment) {
        String version = environment.getProperty("spring.application.version");
        return new OpenAPI()
                .info(new Info()
                        .title("eventshop edge")
                        .version(version == null || version.isBlank() ? "development" : version)
                        .description("The front door: log in for a session token, then send it as a bearer token"
                                + " with every /api call; the services' own descriptions are listed at /api/docs."))
                .servers(List.of(new Server().url("/").description("edge")))
                .components(new Components().addSecuritySchemes(SESSION, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")
                        .description("The session token POST /api/auth/login answers: good for 8 h while its"
                                + " session lasts (POST /api/auth/logout, a suspension of the account or 30 idle"
                                + " minutes end it); without one the caller is anonymous")))
                .addSecurityItem(new SecurityRequirement().addList(SESSION));
    }
}
