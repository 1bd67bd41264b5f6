package io.kamiflow.cockpit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.camunda.bpm.cockpit.plugin.resource.AbstractCockpitPluginResource;

/**
 * The plugin's API for one engine: {@code access}, {@code orders} (search) and {@code orders/{orderNo}}
 * (timeline). Every answer but {@code access} needs the kamiflow-orders grant; client errors are problem+json.
 */
public class OrdersResource extends AbstractCockpitPluginResource {

    private final UriInfo uri;
    private final SpringBeans beans;

    /** Jersey does not inject into sub-resources made with new: the root passes its request's UriInfo and beans. */
    OrdersResource(String engineName, UriInfo uri, SpringBeans beans) {
        super(engineName);
        this.uri = uri;
        this.beans = beans;
    }

    /** Whether the logged-in user has the grant: the frontend shows its navigation entry only then. */
    @GET
    @Path("access")
    public Response access() {
        return json(200, Map.of("allowed", beans.get(OrdersAccess.class).allowed(getCurrentAuthentication())));
    }

    @GET
    @Path("orders")
    public Response search() {
        return guarded(() -> {
            OrderFilter filter = OrderFilter.parse(uri.getQueryParameters());
            return json(200, beans.get(OrderSearch.class).search(filter));
        });
    }

    @GET
    @Path("orders/{orderNo}")
    public Response timeline(@PathParam("orderNo") String orderNo) {
        return guarded(() -> {
            OrderFilter.checkOrderNo(orderNo);
            return beans.get(OrderTimeline.class).of(orderNo).map(timeline -> json(200, timeline))
                    .orElseGet(() -> problem(404, "Not Found", "no order " + orderNo));
        });
    }

    private Response guarded(Supplier<Response> answer) {
        if (!beans.get(OrdersAccess.class).allowed(getCurrentAuthentication())) {
            return problem(403, "Forbidden", "the Orders view needs the Camunda grant ACCESS on application "
                    + OrdersAccess.APPLICATION);
        }
        try {
            return answer.get();
        } catch (InvalidQuery e) {
            return problem(400, "Bad Request", e.getMessage());
        }
    }

    private Response problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return Response.status(status).type("application/problem+json").entity(write(body)).build();
    }

    private Response json(int status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8")).entity(write(body)).build();
    }

    /** Written with kamiflow's ObjectMapper, so records and nulls look like the rest of kamiflow's JSON. */
    private String write(Object body) {
        try {
            return beans.get(ObjectMapper.class).writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
