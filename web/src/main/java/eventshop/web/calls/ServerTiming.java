package eventshop.web.calls;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A {@code Server-Timing} header on every page when {@code eventshop.web.server-timing} is on (off by default:
 * it tells the world which calls a page makes and how long they take): each service call the page made
 * ({@link CallTimings}) and {@code handler}, the page's handler from start to the model being ready (calls
 * included, rendering not: the header goes out before the body). Edge passes it through.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("eventshop.web.server-timing")
@Order(Ordered.HIGHEST_PRECEDENCE) // first in, last out: the calls of the other interceptors (the cart badge) are timed too
class ServerTiming implements WebMvcConfigurer {

    static final String HEADER = "Server-Timing";
    private static final String STARTED = ServerTiming.class.getName() + ".started";

    @Bean
    RestClientCustomizer callTimings() {
        return builder -> builder.requestInterceptor(new CallTimings.Interceptor());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                request.setAttribute(STARTED, System.nanoTime());
                request.setAttribute(CallTimings.class.getName(), CallTimings.bind());
                return true;
            }

            @Override
            public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
                                   @Nullable ModelAndView modelAndView) {
                if (request.getAttribute(CallTimings.class.getName()) instanceof CallTimings timings
                        && request.getAttribute(STARTED) instanceof Long started && !response.isCommitted()) {
                    response.setHeader(HEADER, timings.header(String.format(Locale.ROOT, "handler;dur=%.1f",
                            (System.nanoTime() - started) / 1e6)));
                }
            }

            @Override
            public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                        @Nullable Exception failure) {
                CallTimings.unbind();
            }
        });
    }
}
