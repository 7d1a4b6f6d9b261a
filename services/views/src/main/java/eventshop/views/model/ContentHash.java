package eventshop.views.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSetMetaData;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import eventshop.eventsourcing.projection.Tables;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A SHA-256 of each view table's content and of all of them: rows in primary-key order, every column
 * (all of them come from events, none from processing time), values as text, {@code \u001f} between
 * values, {@code \n} after a row, {@code \u0000} for null. The overall hash is over
 * {@code <view>=<hash>\n} in {@link ViewSchema#TABLES} order. Two replicas that applied the same records
 * have the same hashes whatever their generation or the order their partitions interleaved in.
 */
public final class ContentHash {

    private static final Map<String, String> ORDER = Map.of(
            "order_history", "order_id",
            "order_lines", "order_id, line_no",
            "products", "sku",
            "stock", "sku",
            "sales_by_product", "sku",
            "sales_by_hour", "hour_start",
            "orders_by_status", "status",
            "cancellations_by_reason", "reason");

    private ContentHash() {
    }

    /** {@code view -> hash} for every view table, then {@code "overall"}. */
    public static Map<String, String> of(JdbcTemplate jdbc, Tables tables) {
        Map<String, String> hashes = new LinkedHashMap<>();
        MessageDigest overall = sha256();
        for (String view : ViewSchema.TABLES) {
            MessageDigest digest = sha256();
            jdbc.query("SELECT * FROM " + tables.name(view) + " ORDER BY " + ORDER.get(view), rs -> {
                ResultSetMetaData meta = rs.getMetaData();
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    row.append(i == 1 ? "" : "\u001f").append(value == null ? "\u0000" : value.toString());
                }
                digest.update(row.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            });
            String hash = HexFormat.of().formatHex(digest.digest());
            hashes.put(view, hash);
            overall.update((view + "=" + hash + "\n").getBytes(StandardCharsets.UTF_8));
        }
        hashes.put("overall", HexFormat.of().formatHex(overall.digest()));
        return hashes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
