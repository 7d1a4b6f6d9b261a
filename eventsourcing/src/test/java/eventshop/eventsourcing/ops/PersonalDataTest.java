package eventshop.eventsourcing.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PersonalDataTest {

    private final PersonalData personal = new PersonalData();

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void masks_personalAndCardFields_atAnyDepth_andSaysWhere() {
        byte[] placed = json("""
                {"orderId":"o-1","customerId":"c-1","cardToken":"tok_9",
                 "shippingAddress":{"name":"Ada Lovelace","line1":"12 St James's Sq","line2":null,"city":"London",
                                    "postalCode":"SW1Y","country":"GB"},
                 "lines":[{"sku":"SKU-1","name":"Teapot","quantity":2}]}""");

        PersonalData.Masked masked = personal.mask(placed);

        assertThat(masked.json().toString()).doesNotContain("Ada", "St James", "London", "SW1Y", "tok_9")
                .contains("\"orderId\":\"o-1\"", "\"customerId\":\"c-1\"", "\"name\":\"Teapot\"", "\"line2\":null");
        assertThat(masked.masked()).containsExactlyInAnyOrder("/cardToken", "/shippingAddress/name",
                "/shippingAddress/line1", "/shippingAddress/city", "/shippingAddress/postalCode",
                "/shippingAddress/country");
    }

    @Test
    void reveals_oneMaskedField() {
        byte[] registered = json("{\"accountId\":\"a-1\",\"email\":\"ada@example.com\",\"name\":\"Ada\"}");

        assertThat(personal.reveal(registered, "/email").asString()).isEqualTo("ada@example.com");
    }

    @Test
    void refuses_toReveal_aFieldThatIsNotMasked() {
        byte[] registered = json("{\"accountId\":\"a-1\",\"email\":\"ada@example.com\"}");

        assertThatThrownBy(() -> personal.reveal(registered, "/accountId"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/email");
        assertThatThrownBy(() -> personal.reveal(registered, "/nothing/here"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void masks_textThatIsNotJson_whole() {
        PersonalData.Masked masked = personal.mask(json("ada@example.com, not JSON"));

        assertThat(masked.json().asString()).isEqualTo(PersonalData.MASK);
        assertThat(personal.reveal(json("ada@example.com, not JSON"), "").asString()).contains("ada@example.com");
    }

    @Test
    void sealedValues_areMaskedWherever_andRevealOpensThem_orSaysErased() {
        java.util.Map<String, String> keys = new java.util.HashMap<>();
        PersonalData withKeys = new PersonalData(PersonalData.DEFAULT_FIELDS, tools.jackson.databind.json.JsonMapper
                .builder().build(), value -> value.contains("gone") ? "erased" : "Ada");
        byte[] event = json("{\"accountId\":\"a-1\",\"email\":\"pd1:a-1:sealedA\",\"note\":\"pd1:a-1:sealedB\","
                + "\"old\":\"pd1:a-2:gone\"}");

        PersonalData.Masked masked = withKeys.mask(event);

        assertThat(masked.masked()).containsExactlyInAnyOrder("/email", "/note", "/old");
        assertThat(withKeys.reveal(event, "/note").asString()).isEqualTo("Ada");
        assertThat(withKeys.reveal(event, "/old").asString()).isEqualTo("erased");
        assertThat(keys).isEmpty();
    }
}
