package eventshop.functions.lambda;

import eventshop.functions.EventFunctions;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.cloud.function.context.config.ContextFunctionCatalogAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;

/**
 * The AWS Lambda entry point's application: the same {@link EventFunctions} beans as the Kafka-bound
 * app, plus {@link KafkaEvents} for MSK triggers (which publishes what the functions derive through its
 * {@link LambdaProducer}) and {@link ApiGatewayEvents} for HTTP (which answers it), in a context with only Spring Cloud
 * Function's catalog (no auto-configuration scan: no Kafka binder, web server or database, whatever the
 * classpath holds). The adapter's {@code FunctionInvoker} starts it (it is the aws jar's
 * {@code Main-Class}; elsewhere name it in the {@code MAIN_CLASS} environment variable) and invokes
 * the function named by {@code spring.cloud.function.definition} (environment variable
 * {@code SPRING_CLOUD_FUNCTION_DEFINITION}; default {@code kafkaEvents}).
 */
@SpringBootConfiguration
@ImportAutoConfiguration(ContextFunctionCatalogAutoConfiguration.class)
@Import({EventFunctions.class, KafkaEvents.class, ApiGatewayEvents.class})
@PropertySource("classpath:functions-lambda.properties")
public class LambdaApplication {
}
