package eventshop.orders.order.domain;

/**
 * A step of the checkout saga that waits for another service's reply (or, for {@link #DELIVER}, for
 * the carrier's delay to pass). The forward steps run one at a time; the compensations run after a
 * cancellation, each until its reply arrives. Orders' own vocabulary: no other service sees a step (they
 * get the commands the steps send, see {@link OrderMessages}).
 */
public enum SagaStep {
    RESERVE_STOCK,
    AUTHORIZE_PAYMENT,
    CAPTURE_PAYMENT,
    SHIP_STOCK,
    DELIVER,
    RELEASE_STOCK,
    VOID_PAYMENT,
    REFUND_PAYMENT
}
