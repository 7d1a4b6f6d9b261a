package eventshop.web.site;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The pages' handler interceptors: the header's {@link CartBadge}. */
@Configuration(proxyBeanMethods = false)
class SiteWebConfig implements WebMvcConfigurer {

    private final CartBadge badge;

    SiteWebConfig(CartBadge badge) {
        this.badge = badge;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(badge);
    }
}
