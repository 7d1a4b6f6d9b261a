package eventshop.orders.order.domain;

import eventshop.contracts.orders.CancellationReason;

/**
 * Whether the customer of an order may shop, as orders knows it from {@code accounts.events}: a pending,
 * confirmed or active account may ({@link #MAY_SHOP}); a suspended or archived one may not. An account
 * orders never heard of may shop (accounts' events may not have arrived yet; every real customer registers
 * before a checkout).
 */
public enum CustomerStanding {
    MAY_SHOP,
    SUSPENDED,
    ARCHIVED;

    public boolean mayShop() {
        return this == MAY_SHOP;
    }

    /** Why an order of a customer who may not shop is cancelled. */
    CancellationReason reason() {
        return switch (this) {
            case MAY_SHOP -> throw new IllegalStateException("a customer who may shop is no reason to cancel");
            case SUSPENDED -> CancellationReason.ACCOUNT_SUSPENDED;
            case ARCHIVED -> CancellationReason.ACCOUNT_ARCHIVED;
        };
    }

    String detail() {
        return switch (this) {
            case MAY_SHOP -> "";
            case SUSPENDED -> "the customer's account is suspended";
            case ARCHIVED -> "the customer's account is archived";
        };
    }
}
