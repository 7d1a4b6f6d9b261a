package eventshop.eventsourcing.openapi;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.Correlation;
import eventshop.eventsourcing.security.EdgeUser;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.web.method.HandlerMethod;

/**
 * What every service's OpenAPI description ({@code /v3/api-docs}, springdoc) says besides its
 * endpoints: the service's name and version ({@code eventshop <service-name>}), that every call
 * carries the token edge mints (the bearer scheme {@value #EDGE_TOKEN}), a relative server (the paths
 * are the same at the service and through edge, which gathers the descriptions at {@code /api/docs}),
 * the {@code Consistency-Token} header on command responses, JSON bodies, and the problem responses
 * every endpoint may give (401 without a valid token, 403 where a role is needed, any other error as a
 * {@value #PROBLEM} of its {@code type}), and operations tagged with their feature (the controller's
 * package: {@code products}, {@code listing}). Only the public API ({@code /api/**}) is described;
 * {@code /internal/**} is never routed by edge. {@link EdgeUser} controller parameters are not request
 * parameters: they come from the token; {@link Correlation} and {@link ConsistencyToken} parameters are
 * described as the optional headers they come from. A command answering other than 200 says so with
 * {@code @ResponseStatus}, which springdoc reads.
 *
 * <p>On in every servlet service with springdoc on the classpath. springdoc builds the description on
 * its first request, not at startup.
 */
@AutoConfiguration
@ConditionalOnClass({OpenAPI.class, OpenApiCustomizer.class, SpringDocUtils.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class OpenApiAutoConfiguration {

    /** The name of the bearer security scheme: the services token edge mints for each request. */
    public static final String EDGE_TOKEN = "edgeToken";

    /** The schema of every error response: an RFC 9457 problem. */
    public static final String PROBLEM = "Problem";

    static final String PUBLIC_PATHS = "/api/";
    static final String PROBLEM_JSON = "application/problem+json";
    private static final String ANY_MEDIA_TYPE = "*/*";
    private static final String DEFAULT_TAG_SUFFIX = "-controller";
    private static final String PRE_AUTHORIZE = "org.springframework.security.access.prepost.PreAuthorize";

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(EdgeUser.class, Correlation.class, ConsistencyToken.class);
    }

    @Bean
    @ConditionalOnMissingBean(OpenAPI.class)
    public OpenAPI serviceOpenApi(Environment environment) {
        String service = environment.getProperty("eventshop.service-name", "app");
        return new OpenAPI()
                .info(new Info()
                        .title("eventshop " + service)
                        .version(version(environment))
                        .description("The " + service + " service's public API. Clients call it through edge"
                                + " (http://localhost:8080, same paths), with the session token from"
                                + " POST /api/auth/login or none; edge forwards each request with a short-lived"
                                + " services token it mints. Errors are application/problem+json (RFC 9457)."))
                .servers(List.of(new Server().url("/").description("edge, or the service itself")))
                .components(new Components().addSecuritySchemes(EDGE_TOKEN, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .bearerFormat("JWT")
                        .description("A services token (HS256 JWT, audience eventshop-services, 60 s) that edge"
                                + " mints for the caller of each request it forwards: the account with its roles,"
                                + " or the anonymous caller. A request without one is a 401 problem."))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(EDGE_TOKEN));
    }

    /** 401 on every operation, 403 where {@code @PreAuthorize} asks for a role, any other error as a problem. */
    @Bean
    public OperationCustomizer problemResponses() {
        return (operation, handler) -> {
            ApiResponses responses = operation.getResponses() != null ? operation.getResponses() : new ApiResponses();
            responses.addApiResponse("401", problem("No valid token minted by edge, or the anonymous caller"
                    + " where this needs an account"));
            if (needsARole(handler)) {
                responses.addApiResponse("403", problem("The account lacks the role this needs"));
            }
            responses.addApiResponse("default", problem("Any other error: malformed or invalid input (400),"
                    + " unknown resource (404), conflict (409), oversized body (413), broken business rule (422),"
                    + " read model not yet consistent (503); the problem's type names the kind"));
            return operation.responses(responses);
        };
    }

    /**
     * The headers the starter resolves into controller parameters ({@code RequestHeaderArguments}), as the
     * optional header parameters they are: {@value CommandContexts#CORRELATION_HEADER} for a
     * {@link Correlation}, {@value ConsistencyToken#HEADER} for a {@link ConsistencyToken}.
     */
    @Bean
    public OperationCustomizer requestHeaderParameters() {
        return (operation, handler) -> {
            for (MethodParameter parameter : handler.getMethodParameters()) {
                Class<?> type = parameter.getParameterType();
                if (type == Correlation.class) {
                    addHeader(operation, CommandContexts.CORRELATION_HEADER, "The conversation this request continues:"
                            + " the events it causes carry it as their correlation id (at most 200 characters;"
                            + " without it, or blank, the command starts a new one)", "checkout-7f3a");
                } else if (type == ConsistencyToken.class) {
                    addHeader(operation, ConsistencyToken.HEADER, "A command's Consistency-Token: the query waits,"
                            + " bounded, until what it reads reflects that command (503 if it does not in time);"
                            + " a value that is not a token is a 400 problem", "carts:1234@cart-7f3a");
                }
            }
            return operation;
        };
    }

    private static void addHeader(Operation operation, String name, String description, String example) {
        if (operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(existing -> "header".equals(existing.getIn()) && name.equalsIgnoreCase(existing.getName()))) {
            return;
        }
        operation.addParametersItem(new HeaderParameter().name(name).required(false).description(description)
                .schema(new StringSchema().example(example)));
    }

    /**
     * Operations grouped by feature, the package their controller lives in ({@code products},
     * {@code listing}, ...), in place of springdoc's default tag, the controller's class name.
     */
    @Bean
    public OperationCustomizer featureTags() {
        return (operation, handler) -> {
            List<String> tags = operation.getTags();
            if (tags == null || tags.stream().allMatch(tag -> tag.endsWith(DEFAULT_TAG_SUFFIX))) {
                String packageName = handler.getBeanType().getPackageName();
                operation.setTags(List.of(packageName.substring(packageName.lastIndexOf('.') + 1)));
            }
            return operation;
        };
    }

    /** Only {@code /api/**}, JSON bodies, and the {@code Consistency-Token} each command answers with. */
    @Bean
    public OpenApiCustomizer publicApiWithConsistencyTokens() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            openApi.getPaths().keySet().removeIf(path -> !path.startsWith(PUBLIC_PATHS));
            openApi.getPaths().values().forEach(item -> item.readOperations().forEach(OpenApiAutoConfiguration::asJson));
            openApi.getPaths().values().forEach(OpenApiAutoConfiguration::documentConsistencyTokens);
        };
    }

    private static boolean needsARole(HandlerMethod handler) {
        return MergedAnnotations.from(handler.getMethod()).isPresent(PRE_AUTHORIZE)
                || MergedAnnotations.from(handler.getBeanType()).isPresent(PRE_AUTHORIZE);
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("An RFC 9457 problem; type is stable per kind of error (/problems/<slug>)")
                .addProperty("type", new StringSchema().format("uri-reference").example("/problems/invalid-request"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"));
    }

    /** springdoc says {@code *}{@code /*} where a handler does not declare what it produces; they all answer JSON. */
    private static void asJson(Operation operation) {
        if (operation.getRequestBody() != null) {
            operation.getRequestBody().setContent(asJson(operation.getRequestBody().getContent()));
        }
        if (operation.getResponses() != null) {
            operation.getResponses().values().forEach(response -> response.setContent(asJson(response.getContent())));
        }
    }

    private static Content asJson(Content content) {
        if (content == null || !content.containsKey(ANY_MEDIA_TYPE)) {
            return content;
        }
        Content json = new Content();
        content.forEach((type, media) -> json.addMediaType(
                ANY_MEDIA_TYPE.equals(type) ? org.springframework.http.MediaType.APPLICATION_JSON_VALUE : type, media));
        return json;
    }

    private static void documentConsistencyTokens(PathItem item) {
        for (Map.Entry<PathItem.HttpMethod, Operation> entry : item.readOperationsMap().entrySet()) {
            if (entry.getKey() == PathItem.HttpMethod.GET || entry.getValue().getResponses() == null) {
                continue;
            }
            entry.getValue().getResponses().forEach((status, response) -> {
                if (status.startsWith("2")) {
                    addConsistencyToken(response);
                }
            });
        }
    }

    private static void addConsistencyToken(ApiResponse response) {
        response.addHeaderObject(ConsistencyToken.HEADER, new Header()
                .description("The command's position in the service's log; send it back on a query to read"
                        + " your own write (the query waits, bounded, until its read model has it)")
                .schema(new StringSchema().example("catalog:42")));
    }

    /** The application's version ({@code spring.application.version}, from its jar), else the toolkit's. */
    private static String version(Environment environment) {
        String version = environment.getProperty("spring.application.version");
        if (version == null || version.isBlank()) {
            version = OpenApiAutoConfiguration.class.getPackage().getImplementationVersion();
        }
        return version == null || version.isBlank() ? "development" : version;
    }
}
