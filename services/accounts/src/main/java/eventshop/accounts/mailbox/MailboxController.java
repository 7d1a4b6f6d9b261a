package eventshop.accounts.mailbox;

import eventshop.accounts.mailbox.Mailboxes.Message;
import eventshop.eventsourcing.consistency.ConsistencyToken;
import eventshop.eventsourcing.security.EdgeUser;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/accounts/me/messages}: the caller's own mailbox (customers and administrators alike),
 * newest first. Honours {@code Consistency-Token}.
 */
@RestController
@PreAuthorize("hasAnyRole('CUSTOMER', 'ADMIN')")
public class MailboxController {

    private final Mailboxes mailboxes;

    public MailboxController(Mailboxes mailboxes) {
        this.mailboxes = mailboxes;
    }

    @GetMapping("/api/accounts/me/messages")
    public List<Message> messages(EdgeUser caller,
                                  @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
                                  @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                                  @Nullable ConsistencyToken consistencyToken) {
        return mailboxes.messages(caller.id(), page, size, consistencyToken);
    }
}
