package eventshop.payments.cards.domain;

/** What the simulated processor will answer for a card, decided once, when it is tokenized. */
public enum CardBehaviour {
    APPROVE,
    /** The issuer refuses every authorization ({@code CARD_DECLINED}). */
    DECLINE,
    /** The issuer refuses for lack of funds ({@code INSUFFICIENT_FUNDS}). */
    DECLINE_INSUFFICIENT_FUNDS
}
