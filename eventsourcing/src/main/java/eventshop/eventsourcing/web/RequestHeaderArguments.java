package eventshop.eventsourcing.web;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.Correlation;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Controller parameters read from the request headers every service shares, so no controller declares
 * them by hand:
 * <ul>
 *   <li>{@link Correlation}: the {@value CommandContexts#CORRELATION_HEADER} header as sent, never null
 *       ({@link Correlation#NONE} without the header);</li>
 *   <li>{@link ConsistencyToken}: the parsed {@value ConsistencyToken#HEADER} header; null without it or
 *       when it is blank (nothing to wait for); one that is not a token is an
 *       {@link eventshop.eventsourcing.consistency.InvalidConsistencyToken}, a 400
 *       {@code /problems/invalid-consistency-token}. Declare it {@code @Nullable}.</li>
 * </ul>
 * A header sent more than once reads as its values joined by commas, as {@code @RequestHeader} reads it
 * into a {@code String}. The OpenAPI description documents both as optional header parameters
 * ({@code OpenApiAutoConfiguration}).
 */
public final class RequestHeaderArguments implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return type == Correlation.class || type == ConsistencyToken.class;
    }

    @Override
    public @Nullable Object resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer container,
                                            NativeWebRequest request, @Nullable WebDataBinderFactory binders) {
        if (parameter.getParameterType() == Correlation.class) {
            String id = header(request, CommandContexts.CORRELATION_HEADER);
            return id == null ? Correlation.NONE : new Correlation(id);
        }
        return ConsistencyToken.fromHeader(header(request, ConsistencyToken.HEADER));
    }

    private static @Nullable String header(NativeWebRequest request, String name) {
        String[] values = request.getHeaderValues(name);
        return values == null || values.length == 0 ? null : String.join(",", values);
    }
}
