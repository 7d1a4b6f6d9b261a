package eventshop.eventsourcing.relay;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.stream.binding.BindingService;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * When the context closes: stops the relay (letting in-flight sends finish) and unbinds its
 * output bindings (its own and those of its command topics) while the context can still do so. StreamBridge would otherwise unbind it during
 * bean destruction, when the binder can no longer look up the binding's error-channel bridge and
 * logs an error.
 */
final class RelayShutdown implements ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

    private final LogRelay relay;
    private final ObjectProvider<BindingService> bindingService;
    private final java.util.List<String> bindingNames;
    private ApplicationContext context;

    /** @param bindingNames the relay's output bindings: its own and one per command topic */
    RelayShutdown(LogRelay relay, ObjectProvider<BindingService> bindingService, java.util.List<String> bindingNames) {
        this.relay = relay;
        this.bindingService = bindingService;
        this.bindingNames = java.util.List.copyOf(bindingNames);
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() != context) {
            return;
        }
        relay.stop();
        BindingService bindings = bindingService.getIfAvailable();
        if (bindings == null) {
            return;
        }
        for (String bindingName : bindingNames) {
            if (bindings.getProducerBinding(bindingName) != null) {
                bindings.unbindProducers(bindingName);
            }
        }
    }
}
