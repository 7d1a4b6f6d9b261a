package eventshop.eventsourcing.web;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * How request bodies are read: they mean what they say, once.
 * <ul>
 *   <li>no coercion: a quantity of {@code 1.5} is not 1, a price of {@code "150"} is not 150, a name sent
 *       as {@code 42} or {@code true} is not text;</li>
 *   <li>a member given twice ({@code {"name":"a","name":"b"}}) is refused, not "the last one wins";</li>
 *   <li>nothing may follow the JSON value;</li>
 *   <li>no string holds a control character ({@link StrictText}; {@link MultiLineText} fields may hold
 *       tab and line breaks).</li>
 * </ul>
 * Each is a 400 problem from {@link Problems}, naming the field where there is one. The strict mapper is a
 * copy of the application's own (same modules and settings otherwise) used for request bodies only: what a
 * service reads from another service's answer is read by the application's mapper as before. Thread-safe.
 */
public final class StrictJson {

    private final JsonMapper mapper;

    public StrictJson(JsonMapper applicationMapper) {
        this.mapper = strict(applicationMapper.rebuild()).build();
    }

    /** The rules above, on a mapper builder. */
    public static JsonMapper.Builder strict(JsonMapper.Builder builder) {
        return builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(new SimpleModule("eventshop-strict-text").addDeserializer(String.class, new Text(false)));
    }

    /** The strict mapper (for a controller that reads its body itself, as payments does with a card). */
    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * Reads a request body strictly.
     *
     * @throws JacksonException if it breaks a rule; {@link Problems#unreadableBody} makes the 400 problem
     */
    public <T> T read(byte[] json, Class<T> type) {
        return mapper.readValue(json, type);
    }

    /** A text field refused by {@link StrictText}; the message says why without quoting the text. */
    static final class RefusedText extends MismatchedInputException {
        RefusedText(JsonParser parser, String message) {
            super(parser, message, String.class);
        }
    }

    /** Strings as Jackson reads them, then checked by {@link StrictText}. */
    private static final class Text extends StdScalarDeserializer<String> {

        private final boolean multiLine;

        Text(boolean multiLine) {
            super(String.class);
            this.multiLine = multiLine;
        }

        @Override
        public ValueDeserializer<?> createContextual(DeserializationContext context, @Nullable BeanProperty property) {
            boolean multi = property != null && property.getAnnotation(MultiLineText.class) != null;
            return multi == multiLine ? this : new Text(multi);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            String text = StringDeserializer.instance.deserialize(parser, context);
            String refused = text == null ? null : StrictText.check(text, multiLine);
            if (refused != null) {
                throw new RefusedText(parser, refused);
            }
            return text;
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public Object getEmptyValue(DeserializationContext context) {
            return "";
        }

        @Override
        public boolean isCachable() {
            return true;
        }
    }
}
