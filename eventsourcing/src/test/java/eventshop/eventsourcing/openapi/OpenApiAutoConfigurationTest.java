package eventshop.eventsourcing.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;

/** What the toolkit adds to a service's OpenAPI description, without a Spring context. */
class OpenApiAutoConfigurationTest {

    private final OpenApiAutoConfiguration configuration = new OpenApiAutoConfiguration();

    @Test
    void theDescription_namesTheService_andEveryCallNeedsTheEdgeToken() {
        OpenAPI openApi = configuration.serviceOpenApi(new MockEnvironment()
                .withProperty("eventshop.service-name", "catalog")
                .withProperty("spring.application.version", "1.2.3"));

        assertThat(openApi.getInfo().getTitle()).isEqualTo("eventshop catalog");
        assertThat(openApi.getInfo().getVersion()).isEqualTo("1.2.3");
        SecurityScheme scheme = openApi.getComponents().getSecuritySchemes().get(OpenApiAutoConfiguration.EDGE_TOKEN);
        assertThat(scheme.getType()).isEqualTo(SecurityScheme.Type.HTTP);
        assertThat(scheme.getScheme()).isEqualTo("bearer");
        assertThat(openApi.getSecurity()).singleElement()
                .satisfies(requirement -> assertThat(requirement).containsKey(OpenApiAutoConfiguration.EDGE_TOKEN));
        assertThat(openApi.getServers()).singleElement().satisfies(server -> assertThat(server.getUrl()).isEqualTo("/"));
    }

    @Test
    void onlyThePublicApiIsDescribed_withJsonBodies_andCommandsAnswerWithAConsistencyToken() {
        OpenAPI openApi = new OpenAPI().paths(new Paths()
                .addPathItem("/api/things", new PathItem()
                        .get(operation("200"))
                        .post(operation("201")))
                .addPathItem("/internal/secrets", new PathItem().post(operation("200"))));

        configuration.publicApiWithConsistencyTokens().customise(openApi);

        assertThat(openApi.getPaths()).containsOnlyKeys("/api/things");
        PathItem things = openApi.getPaths().get("/api/things");
        assertThat(things.getGet().getResponses().get("200").getHeaders()).isNull();
        assertThat(things.getGet().getResponses().get("200").getContent()).containsOnlyKeys("application/json");
        assertThat(things.getPost().getResponses().get("201").getHeaders()).containsKey(ConsistencyToken.HEADER);
        assertThat(things.getPost().getResponses().get("201").getContent()).containsOnlyKeys("application/json");
    }

    @Test
    void everyOperationMayBeAProblem_and403OnlyWhereARoleIsNeeded() throws Exception {
        Operation open = configuration.problemResponses().customize(operation("200"),
                new HandlerMethod(new Handlers(), Handlers.class.getDeclaredMethod("open")));
        Operation guarded = configuration.problemResponses().customize(operation("200"),
                new HandlerMethod(new Handlers(), Handlers.class.getDeclaredMethod("guarded")));

        assertThat(open.getResponses()).containsOnlyKeys("200", "401", "default");
        assertThat(guarded.getResponses()).containsOnlyKeys("200", "401", "403", "default");
        assertThat(guarded.getResponses().get("403").getContent()).containsOnlyKeys("application/problem+json");
    }

    @Test
    void operationsAreTaggedWithTheirFeature_unlessTheControllerNamesItsOwn() throws Exception {
        HandlerMethod handler = new HandlerMethod(new Handlers(), Handlers.class.getDeclaredMethod("open"));

        Operation byDefault = configuration.featureTags().customize(operation("200").addTagsItem("handlers-controller"),
                handler);
        Operation named = configuration.featureTags().customize(operation("200").addTagsItem("Things"), handler);

        assertThat(byDefault.getTags()).containsExactly("openapi");
        assertThat(named.getTags()).containsExactly("Things");
    }

    private static Operation operation(String status) {
        return new Operation().responses(new ApiResponses().addApiResponse(status, new ApiResponse()
                .description("OK").content(new Content().addMediaType("*/*", new MediaType()))));
    }

    static class Handlers {
        void open() {
        }

        @PreAuthorize("hasRole('ADMIN')")
        void guarded() {
        }
    }
}
