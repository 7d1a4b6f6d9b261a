package eventshop.eventstore.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the file engine opens its log segments: {@link FileChannel#open} itself in production, a
 * channel that fails on purpose (an I/O error, a full disk) in the tests of disk faults. The
 * channel returned is used as it is, so the seam costs nothing on the write path.
 */
@FunctionalInterface
interface FileChannels {

    FileChannels DEFAULT = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
