package eventshop.web.site;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The storefront pages' handler interceptors: the header's {@link CartBadge}. */
@Configuration(proxyBeanMethods = false)
class SiteWebConfig implements WebMvcConfigurer {

    private final CartBadge badge;

    SiteWebConfig(CartBadge badge) {
        this.badge = badge;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // the operations console has no cart: its pages have their own header
        registry.addInterceptor(badge).excludePathPatterns("/ops", "/ops/**", "/api/**");
    }
}
