package io.kamiflow.cockpit;

import java.util.Set;

import org.camunda.bpm.cockpit.plugin.spi.impl.AbstractCockpitPlugin;

/**
 * The Cockpit plugin "orders": Camunda finds it through META-INF/services, serves its REST resource under
 * /camunda/api/cockpit/plugin/orders/{engine}/ and its script from plugin-webapp/orders/app/plugin.js.
 */
public class OrdersCockpitPlugin extends AbstractCockpitPlugin {

    public static final String ID = "orders";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Set<Class<?>> getResourceClasses() {
        return Set.of(OrdersRootResource.class);
    }
}
