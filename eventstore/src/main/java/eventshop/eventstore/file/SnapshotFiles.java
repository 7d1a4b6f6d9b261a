package eventshop.eventstore.file;

import eventshop.eventstore.CorruptStoreException;
import eventshop.eventstore.EventStoreException;
import eventshop.eventstore.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Snapshots, one file per stream named by the SHA-256 of its id: magic {@code ESSNAP01}, stream id
 * (2-byte length + UTF-8), version (8), type (2-byte length + UTF-8), data (4-byte length + bytes),
 * CRC32C of everything before it (4). A save writes a temporary file, forces it and renames it over
 * the old one, so a crash leaves either the old or the new snapshot. A file that fails verification is
 * reported by {@link #load} ({@link CorruptStoreException}) and replaced by the next save. Thread-safe.
 */
final class SnapshotFiles {

    private static final byte[] MAGIC = "ESSNAP01".getBytes(StandardCharsets.US_ASCII);

    private final Path directory;

    SnapshotFiles(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    synchronized void save(Snapshot snapshot) {
        Optional<Snapshot> existing;
        try {
            existing = load(snapshot.streamId());
        } catch (CorruptStoreException damaged) {
            existing = Optional.empty();    // a damaged snapshot is replaced, or it would be refused forever
        }
        if (existing.isPresent() && existing.get().version() > snapshot.version()) {
            return;
        }
        byte[] stream = snapshot.streamId().getBytes(StandardCharsets.UTF_8);
        byte[] type = snapshot.type().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 2 + stream.length + 8 + 2 + type.length + 4
                + snapshot.data().length + 4);
        buffer.put(MAGIC).putShort((short) stream.length).put(stream).putLong(snapshot.version())
                .putShort((short) type.length).put(type).putInt(snapshot.data().length).put(snapshot.data());
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        Path target = fileOf(snapshot.streamId());
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Directories.sync(directory);
        } catch (IOException e) {
            throw new EventStoreException("cannot save the snapshot of '" + snapshot.streamId() + "': " + e, e);
        }
    }

    Optional<Snapshot> load(String streamId) {
        Path file = fileOf(streamId);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new EventStoreException("cannot read the snapshot of '" + streamId + "': " + e, e);
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            byte[] magic = new byte[MAGIC.length];
            buffer.get(magic);
            if (!MessageDigest.isEqual(magic, MAGIC) || (int) crc.getValue() != buffer.getInt(bytes.length - 4)) {
                throw new CorruptStoreException("snapshot file " + file + " fails verification");
            }
            byte[] stream = new byte[Short.toUnsignedInt(buffer.getShort())];
            buffer.get(stream);
            long version = buffer.getLong();
            byte[] type = new byte[Short.toUnsignedInt(buffer.getShort())];
            buffer.get(type);
            byte[] data = new byte[buffer.getInt()];
            buffer.get(data);
            String storedStream = new String(stream, StandardCharsets.UTF_8);
            if (!storedStream.equals(streamId)) {
                throw new CorruptStoreException("snapshot file " + file + " holds stream '" + storedStream + "'");
            }
            return Optional.of(new Snapshot(storedStream, version, new String(type, StandardCharsets.UTF_8), data));
        } catch (RuntimeException e) {
            if (e instanceof CorruptStoreException) {
                throw e;
            }
            throw new CorruptStoreException("snapshot file " + file + " fails verification: " + e, e);
        }
    }

    private Path fileOf(String streamId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(streamId.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(digest) + ".snapshot");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
