package eventshop.eventsourcing.projection;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The content of one generation of a read model as SHA-256 hashes, per table and as a whole, so that two replicas (the
 * active generation and a rebuild, or two instances' views) can be compared: equal content, equal hash, whatever
 * order the rows were written in or stored in. The operations console shows them side by side; the views service
 * answers them at {@code /api/views/hash}.
 *
 * <ul>
 *   <li>Each row of each of the generation's tables ({@link Tables#physicalNames}: the read model's own tables;
 *       the checkpoints are kept apart, in the runtime's registry) becomes canonical text: every column, by name
 *       in alphabetical order, as {@code name=value}, values normalised (numbers without trailing zeros whatever
 *       their SQL type, times as ISO-8601, binary as Base64, null distinct from every text), separated by
 *       {@code U+001F}.</li>
 *   <li>Rows are sorted by the SHA-256 of that text; a table's hash runs over its row count and the sorted row
 *       hashes; the generation's over each table's logical name, row count and hash, in the read model's order.</li>
 * </ul>
 *
 * Sorting row hashes rather than rows keeps 32 bytes per row in memory. Stateless and thread-safe.
 */
public final class ContentHash {

    /** A generation's content: how many rows its tables hold, and their hash (hex). */
    public record Content(long rows, String sha256) {
    }

    private static final char SEPARATOR = '\u001f';

    private ContentHash() {
    }

    /**
     * A generation's content table by table (logical names, in the read model's order) and as a whole.
     *
     * @param tables  each table's rows and hash
     * @param content the whole generation's
     */
    public record Hashed(Map<String, Content> tables, Content content) {

        /** {@code table -> hash} for every table, then {@code "overall" -> } the whole's hash. */
        public Map<String, String> asMap() {
            Map<String, String> hashes = new LinkedHashMap<>();
            tables.forEach((table, hashed) -> hashes.put(table, hashed.sha256()));
            hashes.put("overall", content.sha256());
            return hashes;
        }
    }

    /** Reads every table of {@code tables} and hashes their content; call where no batch is being applied. */
    public static Content of(JdbcTemplate jdbc, Tables tables) {
        return byTable(jdbc, tables).content();
    }

    /** Reads every table of {@code tables} and hashes each, and the whole; call where no batch is being applied. */
    public static Hashed byTable(JdbcTemplate jdbc, Tables tables) {
        MessageDigest generation = sha256();
        Map<String, Content> byTable = new LinkedHashMap<>();
        long rows = 0;
        for (String logical : tables.logicalNames()) {
            List<byte[]> hashes = new ArrayList<>();
            jdbc.query("SELECT * FROM " + tables.name(logical), (ResultSet row) -> {
                hashes.add(sha256().digest(canonical(row).getBytes(StandardCharsets.UTF_8)));
            });
            hashes.sort(Arrays::compareUnsigned);
            MessageDigest table = sha256();
            table.update((hashes.size() + "\n").getBytes(StandardCharsets.UTF_8));
            hashes.forEach(table::update);
            Content content = new Content(hashes.size(), HexFormat.of().formatHex(table.digest()));
            byTable.put(logical, content);
            generation.update((logical + "\n" + content.rows() + "\n" + content.sha256() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            rows += hashes.size();
        }
        return new Hashed(java.util.Collections.unmodifiableMap(byTable),
                new Content(rows, HexFormat.of().formatHex(generation.digest())));
    }

    /** The canonical text of the row {@code row} is at. */
    static String canonical(ResultSet row) throws SQLException {
        ResultSetMetaData meta = row.getMetaData();
        TreeMap<String, String> columns = new TreeMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), value(row, i, meta.getColumnType(i)));
        }
        StringBuilder text = new StringBuilder();
        columns.forEach((name, value) -> {
            if (!text.isEmpty()) {
                text.append(SEPARATOR);
            }
            text.append(name).append('=').append(value);
        });
        return text.toString();
    }

    /** A column's value as text: {@code N} for null, else {@code V} and the normalised value, escaped. */
    private static String value(ResultSet row, int column, int sqlType) throws SQLException {
        Object value = switch (sqlType) {
            case Types.CLOB, Types.NCLOB, Types.LONGVARCHAR, Types.LONGNVARCHAR -> row.getString(column);
            case Types.BLOB, Types.LONGVARBINARY, Types.VARBINARY, Types.BINARY -> row.getBytes(column);
            default -> row.getObject(column);
        };
        if (value == null) {
            return "N";
        }
        return "V" + normalised(value).replace("\\", "\\\\").replace(String.valueOf(SEPARATOR), "\\u");
    }

    private static String normalised(Object value) {
        return switch (value) {
            case BigDecimal decimal -> plain(decimal);
            case BigInteger integer -> integer.toString();
            case Long number -> number.toString();
            case Integer number -> number.toString();
            case Short number -> number.toString();
            case Byte number -> number.toString();
            case Double number -> Double.isFinite(number) ? plain(BigDecimal.valueOf(number)) : number.toString();
            case Float number -> Float.isFinite(number) ? plain(new BigDecimal(number.toString())) : number.toString();
            case byte[] bytes -> Base64.getEncoder().encodeToString(bytes);
            case java.sql.Timestamp timestamp -> timestamp.toLocalDateTime().toString();
            case java.sql.Date date -> date.toLocalDate().toString();
            case java.sql.Time time -> time.toLocalTime().toString();
            case java.time.OffsetDateTime time -> time.toInstant().toString();
            case java.time.ZonedDateTime time -> time.toInstant().toString();
            case TemporalAccessor time -> time.toString();
            default -> value.toString();
        };
    }

    private static String plain(BigDecimal number) {
        return number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
