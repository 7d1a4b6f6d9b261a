package eventshop.launcher;

import eventshop.launcher.PublicApi.Caller;
import eventshop.launcher.PublicApi.Fixture;
import eventshop.launcher.PublicApi.Operation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Year;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests made from an operation's OpenAPI description ({@link FuzzEveryEndpointTest}): a valid one (path variables,
 * query parameters, headers and a JSON body as the description's schemas say, with the fixture's real resources where
 * a name asks for one), then that request {@linkplain Mutation mutated}. Randomness comes only from the {@link Random}
 * given (jqwik's, seeded), so a seed makes the same requests again. The body is written here, not by a JSON library, so
 * it can hold what a library would refuse to write: lone surrogates (as {@code \ud800} escapes), any nesting, raw
 * tokens.
 */
final class FuzzedRequests {

    /** How a valid request is made invalid. */
    enum Mutation {
        WRONG_TYPE, MISSING_FIELD, EXTRA_FIELD, NULL_FIELD, ODD_NUMBER, ODD_STRING, DEEP_NESTING, OVERSIZED_BODY,
        WRONG_CONTENT_TYPE, MALFORMED_JSON, BODY_OF_ANOTHER_TYPE, ODD_PATH_VARIABLE, ODD_QUERY, ODD_HEADER, CHUNKED_BODY
    }

    /** A request, byte for byte as {@link RawHttp} sends it, and what it was made of (for a failure's report). */
    record Request(Operation operation, Caller caller, String method, String target, Map<String, String> headers,
                   byte[] body, boolean chunked, List<String> how) {

        @Override
        public String toString() {
            String text = body == null ? "(no body)" : new String(body, StandardCharsets.UTF_8);
            return method + " " + abbreviate(target) + " by " + caller + " [" + String.join("; ", how) + "] headers "
                    + abbreviate(headers.toString()) + " body " + abbreviate(text);
        }

        private static String abbreviate(String text) {
            return text.length() > 600 ? text.substring(0, 600) + "... (" + text.length() + " characters)" : text;
        }
    }

    /**
     * Bodies the descriptions leave out: edge's login reads its body itself, so its description names none; the
     * credentials are what it reads ({@code Credentials}).
     */
    private static final Map<String, String> UNDESCRIBED_BODIES = Map.of("POST /api/auth/login", """
            {"type": "object", "required": ["email", "password"], "properties": {
              "email": {"type": "string", "maxLength": 254}, "password": {"type": "string", "maxLength": 1024}}}""");

    /** A JSON null in a body (a map's null value would be ambiguous with "absent"). */
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** JSON text put into a body as it is. */
    private record Raw(String json) {
    }

    private static final List<String> ODD_PIECES = List.of("\u0000", "\u202e", "\u200f", "\u200b", "\ufeff", "\ud83d\ude00",
            "\ud83c\udff3\ufe0f\u200d\ud83c\udf08", "e\u0301\u0301\u0301", "\ud800", "\udc00", "\uffff", "\u0007", "\n", "\t", "\r\n",
            "' OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "%00", "../../etc/passwd", "\\", "\"", "null",
            "\u0130\u0131", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627", " ", "");

    private static final List<Object> ODD_NUMBERS = List.of(Long.MAX_VALUE, Long.MIN_VALUE, 2_147_483_648L, -2_147_483_649L,
            -1, 0, new BigDecimal("-0.0"), new BigDecimal("1.5"), new BigDecimal("1e308"), new BigDecimal("1e-308"),
            new BigDecimal("-1e400"), new BigInteger("123456789012345678901234567890"), new Raw("1E999999999"));

    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data", "application/json; charset=ISO-8859-1", "application/json; charset=nonsense", "@@@",
            "application/octet-stream", "application/problem+json", "text/html; charset=utf-8", "*/*", "");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int LONGEST_IN_URL = 250;

    private final Fixture fixture;

    FuzzedRequests(Fixture fixture) {
        this.fixture = fixture;
    }

    /** A request as the operation's description says, with the fixture's resources. */
    Request valid(Operation operation, Caller caller, String token, Random random) {
        return draft(operation, caller, token, random).request(operation, caller);
    }

    /** A valid request changed by each of the mutations in turn. */
    Request mutated(Operation operation, Caller caller, String token, List<Mutation> mutations, Random random) {
        Draft draft = draft(operation, caller, token, random);
        for (Mutation mutation : mutations) {
            mutate(draft, mutation, random);
        }
        return draft.request(operation, caller);
    }

    // ---- a valid request

    /** What a request is made of before it is written. */
    private static final class Draft {
        String method;
        String path;
        final Map<String, String> pathValues = new LinkedHashMap<>();
        final List<String> query = new ArrayList<>();
        final Map<String, String> headers = new LinkedHashMap<>();
        boolean hasBody;
        Object body;
        String contentType;
        String malformation;
        boolean chunked;
        final List<String> how = new ArrayList<>();

        Request request(Operation operation, Caller caller) {
            Matcher variable = PublicApi.VARIABLE.matcher(path);
            StringBuilder target = new StringBuilder();
            while (variable.find()) {
                variable.appendReplacement(target, Matcher.quoteReplacement(pathValues.getOrDefault(variable.group(1), "x")));
            }
            variable.appendTail(target);
            if (!query.isEmpty()) {
                target.append('?').append(String.join("&", query));
            }
            Map<String, String> sent = new LinkedHashMap<>(headers);
            byte[] bytes = null;
            if (hasBody) {
                String text = body == null ? "" : write(body);
                if (malformation != null) {
                    text = malform(text, malformation);
                }
                bytes = text.getBytes(StandardCharsets.UTF_8);
                if ("invalid utf-8".equals(malformation)) {
                    // a string of bytes no UTF-8 decoder takes: a lead byte without its continuation, an overlong '/'
                    String head = "{\"x\":\"";
                    byte[] invalid = {(byte) 0xC3, (byte) 0x28, (byte) 0xC0, (byte) 0xAF};
                    byte[] tail = ("\"" + (text.startsWith("{") && text.length() > 2 ? "," + text.substring(1) : "}"))
                            .getBytes(StandardCharsets.UTF_8);
                    bytes = new byte[head.length() + invalid.length + tail.length];
                    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, head.length());
                    System.arraycopy(invalid, 0, bytes, head.length(), invalid.length);
                    System.arraycopy(tail, 0, bytes, head.length() + invalid.length, tail.length);
                }
                if (contentType != null) {
                    sent.put("Content-Type", contentType);
                }
            } else if (contentType != null && !contentType.equals("application/json")) {
                sent.put("Content-Type", contentType);
            }
            return new Request(operation, caller, method, target.toString(), sent, bytes, chunked, List.copyOf(how));
        }
    }

    private Draft draft(Operation operation, Caller caller, String token, Random random) {
        Draft draft = new Draft();
        draft.method = operation.method();
        draft.path = operation.path();
        draft.headers.put("Accept", "application/json, application/problem+json");
        if (token != null) {
            draft.headers.put("Authorization", "Bearer " + token);
        }
        JsonNode description = operation.description();
        for (JsonNode parameter : operation.spec().path("parameters")) {
            JsonNode resolved = resolve(description, parameter);
            String name = resolved.path("name").asString();
            JsonNode schema = resolve(description, resolved.path("schema"));
            boolean required = resolved.path("required").asBoolean(false);
            switch (resolved.path("in").asString()) {
                case "path" -> draft.pathValues.put(name, encode(String.valueOf(plain(value(description, name, schema, random, 0)))));
                case "query" -> {
                    if (required || random.nextBoolean()) {
                        draft.query.add(encode(name) + "=" + encode(String.valueOf(plain(value(description, name, schema, random, 0)))));
                    }
                }
                case "header" -> {
                    if (name.equals("Idempotency-Key")) {
                        draft.headers.put(name, UUID.randomUUID().toString());
                    }
                    // X-Correlation-Id is the test's own (FuzzEveryEndpointTest); a Consistency-Token is one a command
                    // answered, which a description's example is not
                }
                default -> {
                }
            }
        }
        JsonNode bodySchema = bodySchema(operation);
        if (bodySchema != null) {
            draft.hasBody = true;
            draft.contentType = "application/json";
            draft.body = value(description, "", bodySchema, random, 0);
        }
        draft.how.add("valid");
        return draft;
    }

    /** The schema of the operation's JSON body, or null if it takes none. */
    private static JsonNode bodySchema(Operation operation) {
        JsonNode schema = operation.spec().path("requestBody").path("content").path("application/json").path("schema");
        if (!schema.isMissingNode()) {
            return schema;
        }
        String undescribed = UNDESCRIBED_BODIES.get(operation.method() + " " + operation.path());
        return undescribed == null ? null : JSON.readTree(undescribed);
    }

    private static JsonNode resolve(JsonNode description, JsonNode node) {
        int hops = 0;
        while (node.has("$ref") && hops++ < 20) {
            node = description.at(node.get("$ref").asString().substring(1));
        }
        return node;
    }

    /** A valid value of the schema; the name picks the fixture's resource or a plausible value where it matters. */
    private Object value(JsonNode description, String name, JsonNode schema, Random random, int depth) {
        schema = resolve(description, schema);
        if (schema.has("allOf") || schema.has("oneOf") || schema.has("anyOf")) {
            JsonNode options = schema.has("allOf") ? schema.get("allOf") : schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
            return value(description, name, options.get(random.nextInt(options.size())), random, depth);
        }
        if (schema.has("enum")) {
            JsonNode values = schema.get("enum");
            JsonNode chosen = values.get(random.nextInt(values.size()));
            return chosen.isNumber() ? chosen.numberValue() : chosen.asString();
        }
        String type = type(schema);
        return switch (type) {
            case "object" -> {
                Map<String, Object> object = new LinkedHashMap<>();
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(field -> required.add(field.asString()));
                for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
                    if ((required.contains(property.getKey()) || random.nextBoolean()) && depth < 6) {
                        object.put(property.getKey(), value(description, property.getKey(), property.getValue(), random, depth + 1));
                    }
                }
                yield object;
            }
            case "array" -> {
                List<Object> array = new ArrayList<>();
                int size = depth < 6 ? random.nextInt(3) : 0;
                for (int i = 0; i < size; i++) {
                    array.add(value(description, name, schema.path("items"), random, depth + 1));
                }
                yield array;
            }
            case "integer" -> integer(name, schema, random);
            case "number" -> BigDecimal.valueOf(random.nextInt(10_000), 2);
            case "boolean" -> random.nextBoolean();
            default -> string(name, schema, random);
        };
    }

    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode one : type) {
                if (!one.asString().equals("null")) {
                    return one.asString();
                }
            }
        }
        if (type.isString()) {
            return type.asString();
        }
        return schema.has("properties") ? "object" : "string";
    }

    private long integer(String name, JsonNode schema, Random random) {
        long min = schema.has("minimum") ? schema.get("minimum").asLong() : 0;
        long max = schema.has("maximum") ? schema.get("maximum").asLong() : 100;
        switch (name) {
            case "quantity" -> {
                return 1 + random.nextInt(3);
            }
            case "priceCents" -> {
                return 1 + random.nextInt(100_000);
            }
            case "expMonth" -> {
                return 1 + random.nextInt(12);
            }
            case "expYear" -> {
                return Year.now().getValue() + 1 + random.nextInt(5);
            }
            case "page", "fromVersion" -> {
                return random.nextInt(3);
            }
            case "position" -> {
                return 1 + random.nextInt(5);
            }
            default -> {
                long upper = Math.min(max, min + 100);
                return min + (upper > min ? Math.floorMod(random.nextLong(), upper - min + 1) : 0);
            }
        }
    }

    private String string(String name, JsonNode schema, Random random) {
        String hex = HexFormat.of().toHexDigits(random.nextLong());
        return switch (name) {
            case "sku" -> random.nextInt(3) == 0 ? "SKU-F" + hex.toUpperCase() : random.nextBoolean() ? fixture.sku() : fixture.spareSku();
            case "email" -> "fuzz-" + hex + "@example.com";
            case "password" -> "Fz-" + hex;
            case "cardToken", "token" -> fixture.card();
            case "orderId" -> fixture.orderId();
            case "accountId" -> fixture.accountId();
            case "customerId", "customer" -> fixture.ownerId();
            case "code" -> String.format("%06d", random.nextInt(1_000_000));
            case "number" -> random.nextBoolean() ? SharedStore.APPROVES : SharedStore.DECLINES;
            case "cvc" -> String.format("%03d", random.nextInt(1000));
            case "country" -> random.nextBoolean() ? "US" : "DE";
            case "postalCode" -> String.format("%05d", random.nextInt(100_000));
            case "imageUrl" -> "https://example.com/" + hex + ".png";
            case "sort" -> List.of("name", "price", "-price").get(random.nextInt(3));
            case "streamId" -> "order-" + fixture.orderId();
            // a client address the administrator looks up or clears the login failures of (a documentation one)
            case "address" -> "192.0.2." + (1 + random.nextInt(254));
            case "line2" -> random.nextBoolean() ? "" : "Flat " + random.nextInt(100);
            default -> {
                int max = schema.has("maxLength") ? schema.get("maxLength").asInt() : 16;
                int min = Math.max(1, schema.path("minLength").asInt(1));
                int length = Math.min(max, min + random.nextInt(Math.max(1, Math.min(16, max) - min + 1)));
                StringBuilder text = new StringBuilder("Fz");
                while (text.length() < length) {
                    text.append(hex);
                }
                yield text.substring(0, Math.max(min, Math.min(length, text.length())));
            }
        };
    }

    // ---- mutations

    private void mutate(Draft draft, Mutation mutation, Random random) {
        switch (mutation) {
            case WRONG_TYPE -> replaceField(draft, random, mutation, current -> otherType(current, random));
            case MISSING_FIELD -> {
                List<Slot> slots = slots(draft);
                if (slots.isEmpty()) {
                    draft.hasBody = true;
                    draft.body = null;
                    draft.how.add("empty body");
                } else {
                    Slot slot = slots.get(random.nextInt(slots.size()));
                    slot.remove();
                    draft.how.add("without " + slot.name());
                }
            }
            case EXTRA_FIELD -> {
                if (!(draft.body instanceof Map<?, ?>)) {
                    draft.hasBody = true;
                    draft.contentType = "application/json";
                    draft.body = new LinkedHashMap<String, Object>();
                }
                List<Map<String, Object>> objects = new ArrayList<>();
                collectObjects(draft.body, objects);
                String name = random.nextBoolean() ? "extra" + random.nextInt(100) : oddString(random, 40);
                objects.get(random.nextInt(objects.size())).put(name, anyValue(random));
                draft.how.add("extra field");
            }
            case NULL_FIELD -> {
                if (random.nextInt(4) == 0 || slots(draft).isEmpty()) {
                    draft.hasBody = true;
                    draft.contentType = "application/json";
                    draft.body = NULL;
                    draft.how.add("body null");
                } else {
                    replaceField(draft, random, mutation, current -> NULL);
                }
            }
            case ODD_NUMBER -> {
                if (random.nextBoolean() && !draft.query.isEmpty()) {
                    int at = random.nextInt(draft.query.size());
                    String name = draft.query.get(at).substring(0, draft.query.get(at).indexOf('='));
                    draft.query.set(at, name + "=" + encode(forUrl(plain(ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()))))));
                    draft.how.add("odd number for query " + name);
                } else {
                    replaceField(draft, random, mutation, current -> ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size())));
                }
            }
            case ODD_STRING -> replaceField(draft, random, mutation, current -> oddString(random, 20_000));
            case DEEP_NESTING -> {
                int depth = List.of(64, 500, 1_001, 5_000, 50_000).get(random.nextInt(5));
                Raw nested = random.nextBoolean() ? new Raw("[".repeat(depth) + "]".repeat(depth))
                        : new Raw("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
                if (random.nextBoolean() && !slots(draft).isEmpty()) {
                    replaceField(draft, random, mutation, current -> nested);
                } else {
                    draft.hasBody = true;
                    draft.contentType = "application/json";
                    draft.body = nested;
                    draft.how.add("body nested " + depth + " deep");
                }
            }
            case OVERSIZED_BODY -> {
                if (!(draft.body instanceof Map<?, ?>)) {
                    draft.hasBody = true;
                    draft.contentType = "application/json";
                    draft.body = new LinkedHashMap<String, Object>();
                }
                int size = 65 * 1024 + random.nextInt(200 * 1024);
                @SuppressWarnings("unchecked")
                Map<String, Object> body = (Map<String, Object>) draft.body;
                body.put("padding", "p".repeat(size));
                draft.chunked = random.nextBoolean();
                draft.how.add("body over " + size / 1024 + " KiB" + (draft.chunked ? ", chunked" : ""));
            }
            case CHUNKED_BODY -> {
                // the body, or an empty one, as Transfer-Encoding: chunked (an empty one is the last chunk alone)
                if (!draft.hasBody) {
                    draft.hasBody = true;
                    draft.body = null;
                }
                draft.chunked = true;
                draft.how.add(draft.body == null ? "empty chunked body" : "chunked body");
            }
            case WRONG_CONTENT_TYPE -> {
                String type = CONTENT_TYPES.get(random.nextInt(CONTENT_TYPES.size()));
                if (!draft.hasBody) {
                    draft.hasBody = true;
                    draft.body = new LinkedHashMap<String, Object>();
                }
                draft.contentType = type.isEmpty() ? null : type;
                draft.how.add("content type " + (type.isEmpty() ? "none" : type));
            }
            case MALFORMED_JSON -> {
                if (!draft.hasBody) {
                    draft.hasBody = true;
                    draft.contentType = "application/json";
                    draft.body = new LinkedHashMap<String, Object>();
                }
                draft.malformation = List.of("truncated", "trailing", "duplicate", "single quotes", "comment", "NaN", "bom",
                        "unescaped control", "invalid utf-8").get(random.nextInt(9));
                draft.how.add("malformed: " + draft.malformation);
            }
            case BODY_OF_ANOTHER_TYPE -> {
                draft.hasBody = true;
                draft.contentType = "application/json";
                draft.body = List.<Object>of(new ArrayList<>(List.of(1, 2)), "text", 42, true, new BigDecimal("-1.5"), "")
                        .get(random.nextInt(6));
                draft.how.add("body " + write(draft.body));
            }
            case ODD_PATH_VARIABLE -> {
                String odd = oddPathValue(random);
                if (draft.pathValues.isEmpty()) {
                    draft.path = draft.path + "/" + odd;
                    draft.how.add("path segment added");
                } else {
                    List<String> names = new ArrayList<>(draft.pathValues.keySet());
                    String name = names.get(random.nextInt(names.size()));
                    draft.pathValues.put(name, odd);
                    draft.how.add("odd {" + name + "}");
                }
            }
            case ODD_QUERY -> {
                String name = draft.query.isEmpty() || random.nextInt(3) == 0 ? encode(oddString(random, 50))
                        : draft.query.get(random.nextInt(draft.query.size())).split("=", 2)[0];
                String value = switch (random.nextInt(5)) {
                    case 0 -> encode(forUrl(oddString(random, 5_000)));
                    case 1 -> encode(plain(ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()))).toString());
                    case 2 -> "%ff%fe";
                    case 3 -> "";
                    default -> "1&" + name + "=2";
                };
                draft.query.add(name + "=" + value);
                draft.how.add("odd query " + name);
            }
            case ODD_HEADER -> {
                String name = List.of("Idempotency-Key", "Consistency-Token", "Accept", "Accept-Language",
                        "If-None-Match").get(random.nextInt(5));
                String value = switch (random.nextInt(4)) {
                    case 0 -> "x".repeat(1 + random.nextInt(2_000));
                    case 1 -> "carts:" + plain(ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()))) + "@cart-x";
                    case 2 -> "views:1@";
                    default -> oddString(random, 100).replaceAll("[\\x00-\\x1f\\x7f]", "?");
                };
                draft.headers.put(name, value);
                draft.how.add("odd header " + name);
            }
        }
    }

    /** Where a body holds a value: an object's field or an array's element. */
    private record Slot(String name, Object container, Object key) {

        @SuppressWarnings("unchecked")
        Object get() {
            return container instanceof Map<?, ?> map ? map.get(key) : ((List<Object>) container).get((Integer) key);
        }

        @SuppressWarnings("unchecked")
        void set(Object value) {
            if (container instanceof Map<?, ?> map) {
                ((Map<Object, Object>) map).put(key, value);
            } else {
                ((List<Object>) container).set((Integer) key, value);
            }
        }

        @SuppressWarnings("unchecked")
        void remove() {
            if (container instanceof Map<?, ?> map) {
                map.remove(key);
            } else {
                ((List<Object>) container).remove((int) (Integer) key);
            }
        }
    }

    private static List<Slot> slots(Draft draft) {
        List<Slot> slots = new ArrayList<>();
        collectSlots(draft.body, "", slots);
        return slots;
    }

    private static void collectSlots(Object value, String at, List<Slot> slots) {
        if (value instanceof Map<?, ?> map) {
            for (Object key : List.copyOf(map.keySet())) {
                slots.add(new Slot(at + "." + key, map, key));
                collectSlots(map.get(key), at + "." + key, slots);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                slots.add(new Slot(at + "[" + i + "]", list, i));
                collectSlots(list.get(i), at + "[" + i + "]", slots);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectObjects(Object value, List<Map<String, Object>> objects) {
        if (value instanceof Map<?, ?> map) {
            objects.add((Map<String, Object>) map);
            map.values().forEach(inner -> collectObjects(inner, objects));
        } else if (value instanceof List<?> list) {
            list.forEach(inner -> collectObjects(inner, objects));
        }
    }

    /** Replaces a field of the body, or, without one, a query parameter or path variable (as text). */
    private void replaceField(Draft draft, Random random, Mutation mutation, java.util.function.UnaryOperator<Object> change) {
        List<Slot> slots = slots(draft);
        if (!slots.isEmpty()) {
            Slot slot = slots.get(random.nextInt(slots.size()));
            Object changed = change.apply(slot.get());
            slot.set(changed);
            draft.how.add(mutation.name().toLowerCase() + " " + slot.name());
        } else if (!draft.query.isEmpty()) {
            int at = random.nextInt(draft.query.size());
            String name = draft.query.get(at).split("=", 2)[0];
            draft.query.set(at, name + "=" + encode(forUrl(plain(change.apply(null)))));
            draft.how.add(mutation.name().toLowerCase() + " query " + name);
        } else if (!draft.pathValues.isEmpty()) {
            String name = draft.pathValues.keySet().iterator().next();
            draft.pathValues.put(name, encode(forUrl(plain(change.apply(null)))));
            draft.how.add(mutation.name().toLowerCase() + " {" + name + "}");
        } else {
            draft.hasBody = true;
            draft.contentType = "application/json";
            draft.body = change.apply(null);
            draft.how.add(mutation.name().toLowerCase() + " as the body");
        }
    }

    private Object otherType(Object current, Random random) {
        List<Object> others = new ArrayList<>(List.of("text", 7, new BigDecimal("2.5"), true, new ArrayList<>(List.of("a", 1)),
                new LinkedHashMap<>(Map.of("k", "v")), new LinkedHashMap<>()));
        others.removeIf(other -> current != null && (other.getClass() == current.getClass()
                || other instanceof Number && current instanceof Number
                || other instanceof Map && current instanceof Map || other instanceof List && current instanceof List));
        return others.get(random.nextInt(others.size()));
    }

    private Object anyValue(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> oddString(random, 200);
            case 1 -> ODD_NUMBERS.get(random.nextInt(ODD_NUMBERS.size()));
            case 2 -> NULL;
            case 3 -> new ArrayList<>(List.of(1, "two", false));
            case 4 -> new LinkedHashMap<>(Map.of("nested", new LinkedHashMap<>(Map.of("deeper", "x"))));
            default -> random.nextBoolean();
        };
    }

    /** A string of odd pieces: control characters, bidirectional marks, emoji, lone surrogates, injections, long runs. */
    static String oddString(Random random, int longest) {
        StringBuilder odd = new StringBuilder();
        int pieces = 1 + random.nextInt(4);
        for (int i = 0; i < pieces; i++) {
            if (random.nextInt(6) == 0) {
                String run = ODD_PIECES.get(random.nextInt(ODD_PIECES.size()));
                odd.append((run.isEmpty() ? "a" : run).repeat(Math.max(1, random.nextInt(longest) / Math.max(1, run.length()))));
            } else {
                odd.append(ODD_PIECES.get(random.nextInt(ODD_PIECES.size())));
            }
        }
        return odd.toString();
    }

    private static String oddPathValue(Random random) {
        List<String> fixed = List.of("", "%20", "..", "%2e%2e", "%00", "%2F", "%5C", "%ff%fe", "%ED%A0%80", "-1", "0",
                "99999999999999999999", "null", "%7Bsku%7D", "A".repeat(1_000), "tok_" + "0".repeat(32), "SKU-NOPE", ";x=1",
                "a%3Bb", "%25", "+", "%2B", "~", "%E2%80%AE", "%F0%9F%98%80");
        return random.nextInt(3) == 0 ? encode(forUrl(oddString(random, 3_000))) : fixed.get(random.nextInt(fixed.size()));
    }

    /**
     * At most {@value #LONGEST_IN_URL} characters of a value for a path or query string: percent-encoded that is at
     * most a few KiB, within Tomcat's 8 KiB for the request line and headers with three such mutations, so the answer
     * can be read (a request line over the limit is ErrorSurveyTest's; one far over it is refused before it is all sent).
     */
    private static String forUrl(Object value) {
        String text = String.valueOf(value);
        return text.length() > LONGEST_IN_URL ? text.substring(0, LONGEST_IN_URL) : text;
    }

    // ---- writing

    private static Object plain(Object value) {
        return value instanceof Raw raw ? raw.json() : value == NULL ? "null" : value;
    }

    /** Percent-encodes every byte of the UTF-8 form but unreserved characters; a lone surrogate as its CESU-8 bytes. */
    static String encode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                encoded.append(c);
                continue;
            }
            byte[] bytes;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes = new byte[] {(byte) (0xE0 | c >> 12), (byte) (0x80 | (c >> 6 & 0x3F)), (byte) (0x80 | (c & 0x3F))};
            } else {
                bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            }
            for (byte b : bytes) {
                encoded.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return encoded.toString();
    }

    /** JSON text of a value; strings escaped where JSON must, lone surrogates and other non-ASCII as escapes or raw. */
    static String write(Object value) {
        StringBuilder json = new StringBuilder();
        write(value, json);
        return json.toString();
    }

    private static void write(Object value, StringBuilder json) {
        if (value == null || value == NULL) {
            json.append("null");
        } else if (value instanceof Raw raw) {
            json.append(raw.json());
        } else if (value instanceof Map<?, ?> map) {
            json.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.append(first ? "" : ",");
                first = false;
                write(String.valueOf(entry.getKey()), json);
                json.append(':');
                write(entry.getValue(), json);
            }
            json.append('}');
        } else if (value instanceof List<?> list) {
            json.append('[');
            for (int i = 0; i < list.size(); i++) {
                json.append(i == 0 ? "" : ",");
                write(list.get(i), json);
            }
            json.append(']');
        } else if (value instanceof String text) {
            json.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    json.append('\\').append(c);
                } else if (c < 0x20 || Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) || Character.isLowSurrogate(c)
                        && !(i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))) {
                    json.append(String.format("\\u%04x", (int) c));
                } else {
                    json.append(c);
                }
            }
            json.append('"');
        } else {
            json.append(value);
        }
    }

    private static String malform(String json, String how) {
        return switch (how) {
            case "truncated" -> json.substring(0, json.length() / 2);
            case "trailing" -> json + " }{ garbage";
            case "duplicate" -> json.startsWith("{") && json.length() > 2
                    ? "{\"a\":1,\"a\":2," + json.substring(1) : "{\"a\":1,\"a\":2}";
            case "single quotes" -> json.replace('"', '\'');
            case "comment" -> "/* c */" + json;
            case "NaN" -> json.startsWith("{") && json.length() > 2 ? "{\"n\":NaN," + json.substring(1) : "NaN";
            case "bom" -> "\ufeff" + json;
            case "unescaped control" -> json.startsWith("{") && json.length() > 2 ? "{\"c\":\"a\u0001b\"," + json.substring(1) : "\"\u0001\"";
            default -> json; // invalid UTF-8: made of bytes, in Draft.request
        };
    }
}
