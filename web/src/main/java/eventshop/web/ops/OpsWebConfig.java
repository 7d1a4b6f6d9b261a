package eventshop.web.ops;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** The console's settings ({@link OpsProperties}) and its access check ({@link OpsAccess}) on all its paths. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpsProperties.class)
class OpsWebConfig implements WebMvcConfigurer {

    /** The console's paths: its pages and live streams, and its JSON. */
    static final String[] PATHS = {"/ops", "/ops/**", OpsAccess.API, OpsAccess.API + "/**"};

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new OpsAccess()).addPathPatterns(PATHS);
    }
}
