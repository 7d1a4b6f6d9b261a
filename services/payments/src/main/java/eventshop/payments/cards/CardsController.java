package eventshop.payments.cards;

import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.decider.CommandContexts;
import eventshop.eventsourcing.decider.Correlation;
import eventshop.eventsourcing.projection.Projections;
import eventshop.eventsourcing.resources.Resource;
import eventshop.eventsourcing.security.EdgeUser;
import eventshop.payments.cards.CardTokens.TokenView;
import eventshop.payments.cards.domain.Card;
import eventshop.payments.cards.domain.CardErrors.CardNotFound;
import eventshop.payments.cards.domain.CardOnFile;
import eventshop.eventsourcing.web.InvalidField;
import eventshop.eventsourcing.web.Problems;
import eventshop.eventsourcing.web.StrictJson;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.hateoas.EntityModel;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;

/**
 * {@code /api/payments/tokens}: a customer tokenizes a card (201 with the token, brand, last four and
 * expiry) and lists their own cards. The number is checked by {@link Cards} (422 problems that never
 * quote it: {@code invalid-card-number}, {@code invalid-expiry}, {@code card-expired}, {@code invalid-cvc});
 * a missing field, a wrong JSON type, a member given twice or a control character is a 400
 * {@code invalid-fields} naming the field, a body that is not JSON a 400 {@code malformed-json}. No answer
 * and no log line ever contains the number.
 */
@RestController
@RequestMapping("/api/payments/tokens")
class CardsController {

    /**
     * A card as typed in: number and cvc strings, expMonth and expYear integers (no coercion), all
     * required. {@link #toString()} masks the number and the cvc.
     */
    record TokenRequest(String number, Integer expMonth, Integer expYear, String cvc) {
        @Override
        public String toString() {
            return "TokenRequest[number=<hidden>, expMonth=" + expMonth + ", expYear=" + expYear + ", cvc=<hidden>]";
        }
    }

    /** The answer to a tokenization. */
    record TokenCreated(String token, String brand, String last4, int expMonth, int expYear) {
        static TokenCreated of(CardOnFile card) {
            return new TokenCreated(card.token(), card.brand(), card.last4(), card.expiry().getMonthValue(),
                    card.expiry().getYear());
        }
    }

    private final Cards cards;
    private final Projections projections;
    private final JdbcTemplate jdbc;
    private final CommandContexts contexts;
    private final StrictJson json;

    CardsController(Cards cards, Projections projections, JdbcTemplate jdbc, CommandContexts contexts,
                    StrictJson json) {
        this.json = json;
        this.cards = cards;
        this.projections = projections;
        this.jdbc = jdbc;
        this.contexts = contexts;
    }

    /**
     * The body is taken as bytes and parsed here (as strictly as Spring MVC would), not by Spring MVC: a JSON
     * parser's error quotes the offending token (say, a card number sent as a JSON number), and Spring logs
     * those messages (at DEBUG). A parse failure is the shared problem, which never quotes the body.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @PreAuthorize("hasRole('CUSTOMER')")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = TokenRequest.class)))
    ResponseEntity<TokenCreated> tokenize(EdgeUser user, @RequestBody byte[] json,
                                          Correlation correlation) {
        TokenRequest body = read(json);
        Cards.Tokenized tokenized = cards.tokenize(user.id(), body.number(), body.expMonth(), body.expYear(),
                body.cvc(), contexts.create(user.id(), correlation.id()));
        return ResponseEntity.created(URI.create("/api/payments/tokens/" + tokenized.card().token()))
                .header(ConsistencyToken.HEADER, tokenized.token().toString())
                .body(TokenCreated.of(tokenized.card()));
    }

    private TokenRequest read(byte[] body) {
        TokenRequest request;
        try {
            request = json.read(body, TokenRequest.class);
        } catch (JacksonException unreadable) {
            throw badRequest(Problems.unreadableBody(unreadable));
        }
        if (request == null) {
            throw badRequest(Problems.malformedJson("the body must be an object {number, expMonth, expYear, cvc}"));
        }
        List<InvalidField> missing = new ArrayList<>();
        requirePresent(missing, "number", request.number());
        requirePresent(missing, "expMonth", request.expMonth());
        requirePresent(missing, "expYear", request.expYear());
        requirePresent(missing, "cvc", request.cvc());
        if (!missing.isEmpty()) {
            throw badRequest(Problems.invalidFields(missing));
        }
        return request;
    }

    private static void requirePresent(List<InvalidField> missing, String field, Object value) {
        if (value == null) {
            missing.add(InvalidField.body(field, "is required"));
        }
    }

    private static ErrorResponseException badRequest(ProblemDetail problem) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    /** The caller's cards, newest first. */
    @GetMapping
    @PreAuthorize("hasRole('CUSTOMER')")
    List<TokenView> mine(EdgeUser user,
                         @Nullable ConsistencyToken consistencyToken) {
        return projections.read(CardTokens.NAME, consistencyToken,
                tables -> CardTokens.ofCustomer(jdbc, tables, user.id()));
    }

    /**
     * One of the caller's cards; another customer's is 404 like an unknown one. Read from the card's
     * stream, so it is there as soon as the tokenization answered (other services check a token the
     * customer just got with it); any well-formed consistency token is therefore satisfied.
     */
    @GetMapping("/{token}")
    @PreAuthorize("hasRole('CUSTOMER')")
    EntityModel<TokenView> one(EdgeUser user, @PathVariable @Pattern(regexp = Card.TOKEN) String token,
                               @Nullable ConsistencyToken consistencyToken) {
        TokenView card = cards.ownedBy(user.id(), token).orElseThrow(CardNotFound::new);
        // no events link: a card's log is payments' private record of the card, not shown to anyone
        return Resource.of(card, Resource.path("/api/payments/tokens/{token}", card.token())).model();
    }
}
