package io.kamiflow.cockpit;

import jakarta.servlet.ServletContext;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import org.camunda.bpm.cockpit.plugin.resource.AbstractCockpitPluginRootResource;

/** Jersey creates this per request (it is no Spring bean); static assets come from the base class. */
@Path("plugin/" + OrdersCockpitPlugin.ID)
public class OrdersRootResource extends AbstractCockpitPluginRootResource {

    public OrdersRootResource() {
        super(OrdersCockpitPlugin.ID);
    }

    @Context
    private ServletContext servletContext;

    @Path("{engineName}")
    public OrdersResource engine(@PathParam("engineName") String engineName) {
        return subResource(new OrdersResource(engineName, uriInfo, SpringBeans.of(servletContext)), engineName);
    }
}
