package eventshop.inventory.stock;

import static eventshop.inventory.Fixtures.context;
import static eventshop.inventory.Fixtures.newOrder;
import static eventshop.inventory.Fixtures.newSku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eventshop.contracts.inventory.InventoryCommand.ReserveStock;
import eventshop.contracts.inventory.InventoryEvent.StockReceived;
import eventshop.contracts.inventory.StockLine;
import eventshop.edgetoken.EdgeToken;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeTokens;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.eventstore.EventData;
import eventshop.eventstore.EventStore;
import eventshop.eventstore.ExpectedVersion;
import eventshop.eventstore.Metadata;
import eventshop.inventory.FakeCatalog;
import eventshop.inventory.Fixtures;
import eventshop.inventory.InventoryTest;
import eventshop.inventory.reservations.Reservations;
import eventshop.inventory.stock.domain.Stock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@InventoryTest
class StockControllerTest {

    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    @Autowired
    MockMvc http;
    @Autowired
    EdgeTokens tokens;
    @Autowired
    EventStore store;
    @Autowired
    Reservations reservations;

    private String admin() {
        return "Bearer " + tokens.mint(EdgeUser.admin("admin-1", "admin@example.com"));
    }

    private String customer() {
        return "Bearer " + tokens.mint(EdgeUser.customer("acc-1", "a@x.io"));
    }

    private String anonymous() {
        return "Bearer " + tokens.mint(EdgeUser.ANONYMOUS);
    }

    private static MockHttpServletRequestBuilder receipt(String sku, String json) {
        return post("/api/inventory/{sku}/receipts", sku).contentType(MediaType.APPLICATION_JSON).content(json);
    }

    private MvcResult receive(String sku, int quantity) throws Exception {
        FakeCatalog.add(sku);
        return http.perform(receipt(sku, "{\"quantity\":" + quantity + "}").header("Authorization", admin()))
                .andExpect(status().isOk()).andReturn();
    }

    @Nested
    class Levels {

        @Test
        void aReceipt_answersTheLevels_andATokenThatTheQueryWaitsFor() throws Exception {
            String sku = newSku("HTTP");
            FakeCatalog.add(sku);

            MvcResult received = http.perform(receipt(sku, "{\"quantity\":7}").header("Authorization", admin()))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.sku").value(sku))
                    .andExpect(jsonPath("$.onHand").value(7))
                    .andExpect(jsonPath("$.reserved").value(0))
                    .andExpect(jsonPath("$.available").value(7))
                    .andExpect(header().string(ConsistencyToken.HEADER, org.hamcrest.Matchers.startsWith("inventory:")))
                    .andReturn();

            http.perform(get("/api/inventory/{sku}", sku).header("Authorization", anonymous())
                            .header(ConsistencyToken.HEADER, received.getResponse().getHeader(ConsistencyToken.HEADER)))
                    .andExpect(status().isOk())
                    .andExpect(content().json("{\"sku\":\"" + sku + "\",\"onHand\":7,\"reserved\":0,\"available\":7}"));
        }

        @Test
        void reservations_showAsReserved() throws Exception {
            String sku = newSku("HTTP");
            receive(sku, 5);
            reservations.reserve(new ReserveStock(newOrder(), List.of(new StockLine(sku, 2))), context());
            String token = new ConsistencyToken("inventory", store.headPosition()).toString();

            http.perform(get("/api/inventory/{sku}", sku).header("Authorization", customer())
                            .header(ConsistencyToken.HEADER, token))
                    .andExpect(status().isOk())
                    .andExpect(content().json("{\"onHand\":5,\"reserved\":2,\"available\":3}"));
        }

        @Test
        void aSkuNeverStocked_hasZeros() throws Exception {
            String sku = newSku("NEVER");

            http.perform(get("/api/inventory/{sku}", sku).header("Authorization", anonymous()))
                    .andExpect(status().isOk())
                    .andExpect(content().json("{\"sku\":\"" + sku + "\",\"onHand\":0,\"reserved\":0,\"available\":0}"));
        }

        @Test
        void aMalformedSku_isABadRequest() throws Exception {
            http.perform(get("/api/inventory/{sku}", "sku-lower").header("Authorization", anonymous()))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(get("/api/inventory/{sku}", "A".repeat(41)).header("Authorization", anonymous()))
                    .andExpect(status().isBadRequest());
        }

        @Test
        void theAdmin_listsEverySku() throws Exception {
            String sku = newSku("LIST");
            String token = receive(sku, 3).getResponse().getHeader(ConsistencyToken.HEADER);

            MvcResult page = http.perform(get("/api/inventory").param("size", "500")
                            .header("Authorization", admin()).header(ConsistencyToken.HEADER, token))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.page").value(0))
                    .andExpect(jsonPath("$.size").value(500))
                    .andReturn();

            assertThat(page.getResponse().getContentAsString()).contains("{\"sku\":\"" + sku
                    + "\",\"onHand\":3,\"reserved\":0,\"available\":3}");
            http.perform(get("/api/inventory").param("size", "501").header("Authorization", admin()))
                    .andExpect(status().isBadRequest());
        }
    }

    @Nested
    class Security {

        @Test
        void withoutAToken_everythingIsUnauthorized() throws Exception {
            String sku = newSku("SEC");

            http.perform(get("/api/inventory/{sku}", sku))
                    .andExpect(status().isUnauthorized())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(receipt(sku, "{\"quantity\":5}")).andExpect(status().isUnauthorized());
            http.perform(receipt(sku, "{\"quantity\":5}").header("Authorization", "Bearer not-a-token"))
                    .andExpect(status().isUnauthorized());

            assertThat(store.streamVersion(Stock.streamId(sku))).isEqualTo(-1);
        }

        @Test
        void onlyTheAdmin_receivesStock_orListsIt_anonymousCallersAreToldToLogIn() throws Exception {
            String sku = newSku("SEC");

            http.perform(receipt(sku, "{\"quantity\":5}").header("Authorization", customer()))
                    .andExpect(status().isForbidden())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(receipt(sku, "{\"quantity\":5}").header("Authorization", anonymous()))
                    .andExpect(status().isUnauthorized())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(get("/api/inventory").header("Authorization", customer()))
                    .andExpect(status().isForbidden());

            assertThat(store.streamVersion(Stock.streamId(sku))).isEqualTo(-1);
        }

        @Test
        void aRoleNamedInLowerCase_isNotTheAdminRole() throws Exception {
            String forged = "Bearer " + tokens.mint(new EdgeUser("acc-2", "b@x.io", Set.of(EdgeToken.CUSTOMER,
                    "admin")));

            http.perform(receipt(newSku("SEC"), "{\"quantity\":5}").header("Authorization", forged))
                    .andExpect(status().isForbidden());
        }
    }

    @Nested
    class BadReceipts {

        @ParameterizedTest
        @ValueSource(strings = {"{\"quantity\":0}", "{\"quantity\":-1}", "{\"quantity\":1000000001}",
                "{\"quantity\":1000001}", "{\"quantity\":10000000000}", "{\"quantity\":\"many\"}", "{\"quantity\":[1]}",
                "{\"quantity\":null}", "{\"quantity\":1.5}", "{\"quantity\":true}", "{}", "{\"quantity\":", "not json", "[]", ""})
        void areProblems_andStoreNothing(String body) throws Exception {
            String sku = newSku("BAD");

            MvcResult result = http.perform(receipt(sku, body).header("Authorization", admin())).andReturn();

            assertThat(result.getResponse().getStatus()).as(body).isBetween(400, 499);
            assertThat(result.getResponse().getContentType()).as(body).startsWith(PROBLEM.toString());
            assertThat(store.streamVersion(Stock.streamId(sku))).isEqualTo(-1);
        }

        @Test
        void aMalformedSku_isABadRequest_andStoresNothing() throws Exception {
            long head = store.headPosition();

            http.perform(receipt("lower-case", "{\"quantity\":5}").header("Authorization", admin()))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));

            assertThat(store.headPosition()).isEqualTo(head);
        }

        @Test
        void anOversizedBody_isTooLarge_andStoresNothing() throws Exception {
            String sku = newSku("BAD");
            String body = "{\"quantity\":5,\"note\":\"" + "x".repeat(70 * 1024) + "\"}";

            http.perform(receipt(sku, body).header("Authorization", admin()))
                    .andExpect(status().isContentTooLarge())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));

            assertThat(store.streamVersion(Stock.streamId(sku))).isEqualTo(-1);
        }

        @Test
        void aWrongContentType_isAProblem() throws Exception {
            String sku = newSku("BAD");

            http.perform(post("/api/inventory/{sku}/receipts", sku).contentType(MediaType.TEXT_PLAIN).content("5")
                            .header("Authorization", admin()))
                    .andExpect(status().isUnsupportedMediaType())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));

            assertThat(store.streamVersion(Stock.streamId(sku))).isEqualTo(-1);
        }

        @Test
        void stockBeyondTheLimit_isUnprocessable() throws Exception {
            String sku = newSku("BIG");
            FakeCatalog.add(sku);
            StockReceived full = new StockReceived(sku, Stock.MAX_RECEIPT, Stock.MAX_ON_HAND, 0);
            store.append(Stock.streamId(sku), ExpectedVersion.noStream(), List.of(new EventData(UUID.randomUUID(),
                    "StockReceived", Fixtures.CODEC.serialize(full), Metadata.EMPTY)));

            http.perform(receipt(sku, "{\"quantity\":1}").header("Authorization", admin()))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                    .andExpect(jsonPath("$.type").value("/problems/stock-limit-exceeded"));

            assertThat(store.streamVersion(Stock.streamId(sku))).isZero();
        }
    }

    @Nested
    class UnknownProducts {

        @Test
        void aReceiptForASkuTheCatalogDoesNotKnow_isUnprocessable_andStoresNothing() throws Exception {
            String sku = newSku("UNKNOWN");

            http.perform(receipt(sku, "{\"quantity\":5}").header("Authorization", admin()))
                    .andExpect(status().isUnprocessableContent())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM))
                    .andExpect(jsonPath("$.type").value("/problems/unknown-product"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(sku)));

            assertThat(store.streamVersion(Stock.streamId(sku))).isEqualTo(-1);
        }

        @Test
        void aProductAddedToTheCatalog_thenReceivesStock() throws Exception {
            String sku = newSku("KNOWN");
            http.perform(receipt(sku, "{\"quantity\":5}").header("Authorization", admin()))
                    .andExpect(status().isUnprocessableContent());

            FakeCatalog.add(sku);

            http.perform(receipt(sku, "{\"quantity\":5}").header("Authorization", admin()))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.onHand").value(5));
        }

        @Test
        void aDiscontinuedProduct_stillReceivesStock_returnsComeBack() throws Exception {
            String sku = newSku("RETIRED");
            FakeCatalog.add(sku, true);

            http.perform(receipt(sku, "{\"quantity\":2}").header("Authorization", admin()))
                    .andExpect(status().isOk())
                    .andExpect(jsonPath("$.onHand").value(2));
        }

        @Test
        void whileTheCatalogCannotAnswer_aReceiptIsUnavailable_andStoresNothing() throws Exception {
            String sku = newSku("DOWN");
            FakeCatalog.add(sku);
            FakeCatalog.failing(true);
            try {
                http.perform(receipt(sku, "{\"quantity\":5}").header("Authorization", admin()))
                        .andExpect(status().isServiceUnavailable())
                        .andExpect(header().exists("Retry-After"))
                        .andExpect(jsonPath("$.type").value("/problems/service-unavailable"));
            } finally {
                FakeCatalog.failing(false);
            }

            assertThat(store.streamVersion(Stock.streamId(sku))).isEqualTo(-1);
        }

        @Test
        void aBadReceipt_isRefusedBeforeTheCatalogIsAsked() throws Exception {
            FakeCatalog.failing(true);
            try {
                http.perform(receipt(newSku("BAD"), "{\"quantity\":0}").header("Authorization", admin()))
                        .andExpect(status().isBadRequest())
                        .andExpect(jsonPath("$.type").value("/problems/invalid-fields"))
                        .andExpect(jsonPath("$.errors[0].field").value("quantity"));
            } finally {
                FakeCatalog.failing(false);
            }
        }
    }

    /** A sku's {@code _links}: {@code receive} and its events for an administrator only. */
    @Nested
    class Links {

        JsonNode read(String uri, String bearer) throws Exception {
            return read(uri, bearer, null);
        }

        JsonNode read(String uri, String bearer, String consistencyToken) throws Exception {
            MockHttpServletRequestBuilder request = get(uri).header("Authorization", bearer);
            if (consistencyToken != null) {
                request.header(ConsistencyToken.HEADER, consistencyToken);
            }
            return JsonMapper.builder().build().readTree(http.perform(request)
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        }

        @Test
        void anAdministrator_seesReceiveAndTheEvents_aCustomer_onlyTheLevels() throws Exception {
            String sku = newSku("LINK");
            String token = receive(sku, 3).getResponse().getHeader(ConsistencyToken.HEADER);

            JsonNode forAdmin = read("/api/inventory/" + sku, admin(), token);

            assertThat(forAdmin.path("onHand").asInt()).isEqualTo(3);
            assertThat(forAdmin.path("_links").propertyNames()).containsExactly("self", "events", "receive");
            assertThat(forAdmin.at("/_links/self/href").asString()).isEqualTo("/api/inventory/" + sku);
            assertThat(forAdmin.at("/_links/receive/href").asString()).isEqualTo("/api/inventory/" + sku + "/receipts");
            assertThat(read("/api/inventory/" + sku, customer()).path("_links").propertyNames()).containsExactly("self");
            assertThat(read("/api/inventory/" + sku, anonymous()).path("_links").propertyNames())
                    .containsExactly("self");
        }

        @Test
        void followingReceive_receives_andTheEventsShowIt_forTheAdministratorOnly() throws Exception {
            String sku = newSku("LINK");
            FakeCatalog.add(sku);
            JsonNode links = read("/api/inventory/" + sku, admin()).path("_links");

            http.perform(post(links.at("/receive/href").asString()).contentType(MediaType.APPLICATION_JSON)
                            .content("{\"quantity\":4}").header("Authorization", admin()))
                    .andExpect(status().isOk()).andExpect(jsonPath("$.onHand").value(4))
                    .andExpect(jsonPath("$._links.receive.href").value("/api/inventory/" + sku + "/receipts"));

            String events = links.at("/events/href").asString();
            JsonNode log = read(events, admin());
            assertThat(log).extracting(event -> event.path("type").asString()).containsExactly("StockReceived");
            assertThat(log.get(0).path("data").path("sku").asString()).isEqualTo(sku);
            http.perform(get(events).header("Authorization", customer())).andExpect(status().isForbidden())
                    .andExpect(content().contentTypeCompatibleWith(PROBLEM));
            http.perform(get(events).header("Authorization", anonymous())).andExpect(status().isUnauthorized());
            http.perform(get(events)).andExpect(status().isUnauthorized());
            assertThat(read("/api/inventory/" + newSku("NONE") + "/events", admin())).isEmpty();
            http.perform(get("/api/inventory/bad_sku/events").header("Authorization", admin()))
                    .andExpect(status().isBadRequest()).andExpect(content().contentTypeCompatibleWith(PROBLEM));
        }
    }

    @Nested
    class Description {

        @Test
        void theOpenApiDescription_needsNoToken_andNamesTheServiceItsEndpointsAndTheEdgeToken() throws Exception {
            // when
            String body = http.perform(get("/v3/api-docs"))
                    .andExpect(status().isOk())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                    .andReturn().getResponse().getContentAsString();

            // then
            JsonNode description = JsonMapper.builder().build().readTree(body);
            assertThat(description.at("/info/title").asString()).isEqualTo("eventshop inventory");
            assertThat(description.at("/info/version").asString()).isNotBlank();
            assertThat(description.at("/components/securitySchemes/edgeToken/scheme").asString()).isEqualTo("bearer");
            assertThat(description.path("paths").propertyNames())
                    .filteredOn(path -> !path.startsWith("/api/ops/")).containsExactlyInAnyOrder("/api/inventory",
                    "/api/inventory/{sku}", "/api/inventory/{sku}/receipts", "/api/inventory/{sku}/events");
            // the operations console's endpoints (the starter's, in every service), each for the admin only
            assertThat(description.path("paths").propertyNames()).contains("/api/ops/inventory/overview",
                    "/api/ops/inventory/events", "/api/ops/inventory/streams/{streamId}", "/api/ops/inventory/audit");
            assertThat(description.at("/paths/~1api~1ops~1inventory~1events/get/responses").has("403")).isTrue();
            JsonNode receive = description.at("/paths/~1api~1inventory~1{sku}~1receipts/post");
            assertThat(receive.at("/requestBody/content/application~1json/schema/$ref").asString())
                    .isEqualTo("#/components/schemas/Receipt");
            assertThat(receive.at("/responses/200/headers").has(ConsistencyToken.HEADER)).isTrue();
            assertThat(description.at("/components/schemas/Receipt/properties/quantity/maximum").asInt())
                    .isEqualTo(Stock.MAX_RECEIPT);
        }
    }
}
