package eventshop.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.Topics;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** catalog.yml: the settings every service must have, and the consumer bound to inventory's topic with a group. */
class CatalogConfigurationTest {

    @Test
    void catalogYml_namesTheServiceItsPortAndItsData() throws IOException {
        PropertySource<?> yml = catalogYml();

        assertThat(yml.getProperty("eventshop.service-name")).isEqualTo("catalog");
        assertThat(yml.getProperty("spring.application.name")).isEqualTo("catalog");
        assertThat(yml.getProperty("server.port")).isEqualTo(8082);
        assertThat(yml.getProperty("spring.jmx.enabled")).isEqualTo(false);
        assertThat(yml.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:h2:file:./data/catalog/readmodel;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(yml.getProperty("eventshop.eventstore.directory")).isEqualTo("./data/catalog/eventstore");
    }

    @Test
    void theStockConsumer_readsInventoryEvents_inTheCatalogGroup() throws IOException {
        PropertySource<?> yml = catalogYml();

        assertThat(yml.getProperty("spring.cloud.function.definition")).isEqualTo("onInventoryEvents");
        assertThat(yml.getProperty("spring.cloud.stream.bindings.onInventoryEvents-in-0.destination"))
                .isEqualTo(Topics.INVENTORY_EVENTS);
        assertThat(yml.getProperty("spring.cloud.stream.bindings.onInventoryEvents-in-0.group")).isEqualTo("catalog");
    }

    @Test
    void noApplicationYml_whichWouldLeakIntoEveryContextOfTheLauncher() {
        assertThat(new ClassPathResource("application.yml").exists()).isFalse();
        assertThat(new ClassPathResource("application.properties").exists()).isFalse();
    }

    private static PropertySource<?> catalogYml() throws IOException {
        List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("catalog",
                new ClassPathResource("catalog.yml"));
        assertThat(sources).hasSize(1);
        return sources.getFirst();
    }
}
