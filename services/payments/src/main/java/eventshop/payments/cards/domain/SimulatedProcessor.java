package eventshop.payments.cards.domain;

/**
 * The card processor the store pretends to have (DESIGN §5). It looks at the number once, when the
 * card is tokenized, and the verdict is kept with the token (the number is not):
 * {@value #DECLINING} always declines, {@value #NO_FUNDS} declines for insufficient funds, and any
 * other valid number ({@value #APPROVING} among them) approves. Amount limits are the payment's
 * business, not the card's.
 */
public final class SimulatedProcessor {

    public static final String APPROVING = "4242424242424242";
    public static final String DECLINING = "4000000000000002";
    public static final String NO_FUNDS = "4000000000009995";

    private SimulatedProcessor() {
    }

    public static CardBehaviour behaviourOf(CardNumber number) {
        return switch (number.digits()) {
            case DECLINING -> CardBehaviour.DECLINE;
            case NO_FUNDS -> CardBehaviour.DECLINE_INSUFFICIENT_FUNDS;
            default -> CardBehaviour.APPROVE;
        };
    }
}
