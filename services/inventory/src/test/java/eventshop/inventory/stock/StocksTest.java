package eventshop.inventory.stock;

import static eventshop.inventory.Fixtures.context;
import static eventshop.inventory.Fixtures.newSku;
import static org.assertj.core.api.Assertions.assertThat;

import eventshop.contracts.inventory.InventoryEvent.SkuEvent;
import eventshop.eventstore.EventStore;
import eventshop.inventory.Fixtures;
import eventshop.inventory.InventoryTest;
import eventshop.inventory.stock.domain.Stock;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

@InventoryTest
class StocksTest {

    @Autowired
    Stocks stocks;
    @Autowired
    EventStore store;

    @Test
    void aLongStream_loadsFromItsSnapshot_toTheSameStateAsTheFullFold() {
        // given: more than a snapshot interval of events, allocations coming and going
        String sku = newSku("LONG");
        stocks.handle(new Stock.ReceiveStock(sku, 1000), context());
        for (int i = 0; i < Stocks.SNAPSHOT_EVERY + 30; i++) {
            stocks.handle(new Stock.Allocate(sku, "order-" + i, 1 + i % 3), context());
            if (i % 4 == 0) {
                stocks.handle(new Stock.Deallocate(sku, "order-" + i), context());
            } else if (i % 4 == 1) {
                stocks.handle(new Stock.Dispatch(sku, "order-" + i), context());
            }
        }

        // when
        Stock.State loaded = stocks.state(sku);

        // then
        List<SkuEvent> events = Fixtures.events(store, Stock.streamId(sku)).stream().map(SkuEvent.class::cast).toList();
        // written after the command that reached the interval
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> store.loadSnapshot(Stock.streamId(sku)).isPresent());
        assertThat(loaded).isEqualTo(Stock.DECIDER.fold(Stock.DECIDER.initialState(), events));
        assertThat(((Stock.Stocked) loaded).allocations()).hasSize((int) IntStream.range(0, Stocks.SNAPSHOT_EVERY + 30).filter(i -> i % 4 >= 2).count());
    }
}
