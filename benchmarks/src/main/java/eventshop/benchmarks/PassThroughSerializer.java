package eventshop.benchmarks;

import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.ChainingConverter;
import org.axonframework.serialization.Converter;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.UnknownSerializedType;

/**
 * An Axon {@link Serializer} that stores {@code byte[]} payloads as they are, so Axon's JDBC engine
 * writes the same 256 bytes as the other contenders and no serialization cost is charged to it.
 * Metadata (empty in the benchmark) is written as zero bytes and read back as empty. Stateless,
 * thread-safe.
 */
final class PassThroughSerializer implements Serializer {

    private static final SerializedType BYTES = new SimpleSerializedType(byte[].class.getName(), null);
    private static final SerializedType META_DATA = new SimpleSerializedType(MetaData.class.getName(), null);
    private static final byte[] EMPTY = new byte[0];

    private final Converter converter = new ChainingConverter();

    @Override
    @SuppressWarnings("unchecked")
    public <T> SerializedObject<T> serialize(Object object, Class<T> expectedRepresentation) {
        if (expectedRepresentation != byte[].class) {
            throw new IllegalArgumentException("only byte[] representations, asked for " + expectedRepresentation);
        }
        if (object instanceof byte[] bytes) {
            return (SerializedObject<T>) new SimpleSerializedObject<>(bytes, byte[].class, BYTES);
        }
        if (object instanceof MetaData metaData) {
            if (!metaData.isEmpty()) {
                throw new IllegalArgumentException("the benchmark sends no metadata, got " + metaData);
            }
            return (SerializedObject<T>) new SimpleSerializedObject<>(EMPTY, byte[].class, META_DATA);
        }
        throw new IllegalArgumentException("only byte[] payloads, got " + object.getClass());
    }

    @Override
    public <T> boolean canSerializeTo(Class<T> expectedRepresentation) {
        return expectedRepresentation == byte[].class;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S, T> T deserialize(SerializedObject<S> serializedObject) {
        String type = serializedObject.getType().getName();
        if (type.equals(META_DATA.getName())) {
            return (T) MetaData.emptyInstance();
        }
        if (type.equals(BYTES.getName()) && serializedObject.getData() instanceof byte[] bytes) {
            return (T) bytes;
        }
        throw new IllegalArgumentException("cannot deserialize " + serializedObject.getType());
    }

    @Override
    public Class classForType(SerializedType type) {
        if (type.getName().equals(BYTES.getName())) {
            return byte[].class;
        }
        if (type.getName().equals(META_DATA.getName())) {
            return MetaData.class;
        }
        return UnknownSerializedType.class;
    }

    @Override
    public SerializedType typeForClass(Class type) {
        return type == MetaData.class ? META_DATA : BYTES;
    }

    @Override
    public Converter getConverter() {
        return converter;
    }
}
