package eventshop.views.freshness;

import eventshop.views.feed.ViewFeed;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/views/freshness}: how fresh the views are, for anyone with an edge token (the storefront
 * prints it under its lists): {@code applied} is how many records of the topics the serving generation has applied,
 * {@code lag} how many more the topics hold (0 when caught up), {@code caughtUp} whether the serving generation
 * has ever reached the topics' end. Nothing else of the operations' status ({@code /api/views/status}, admins
 * only) is shown: no offsets per partition, no errors.
 */
@RestController
class FreshnessController {

    record Freshness(long applied, long lag, boolean caughtUp) {
    }

    private final ViewFeed feed;

    FreshnessController(ViewFeed feed) {
        this.feed = feed;
    }

    @GetMapping("/api/views/freshness")
    Freshness freshness() {
        ViewFeed.FeedStatus status = feed.status();
        return new Freshness(status.records(), status.lag(), status.caughtUp());
    }
}
