/**
 * Crypto-shredding of personal data ("sealed until shown"): personal data is sealed ({@link Sealing}) with its data
 * subject's own AES-256-GCM key where it enters the system, is stored and published only sealed, and is opened only
 * where it is presented. Forgetting a subject destroys its key ({@link JdbcSubjectKeys#forget}): every sealed copy,
 * wherever it was copied to, opens to {@link Sealing#ERASED} from then on. The keys live in the owning service's
 * database, wrapped by the {@link MasterKey}; other services fetch a subject's key from the owner and keep it in
 * memory only ({@link RemoteSubjectKeys}). Look-ups by a personal value (an account by its e-mail address) go
 * through a {@link BlindIndex}, never the clear value. docs/privacy.md has the whole picture.
 */
package eventshop.eventsourcing.privacy;
