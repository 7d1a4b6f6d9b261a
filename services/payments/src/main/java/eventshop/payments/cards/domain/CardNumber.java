package eventshop.payments.cards.domain;

import eventshop.payments.cards.domain.CardErrors.InvalidCardNumber;
import java.util.Objects;

/**
 * A primary account number that passed the checks a processor makes before tokenizing: digits only
 * (spaces and dashes between them are dropped), 12 to 19 of them, and a valid Luhn check digit.
 *
 * <p>It exists only while a tokenization request is handled. Nothing outside this package can read
 * the digits: the rest of the service sees the {@link #brand()}, the {@link #last4()} and what the
 * {@link SimulatedProcessor} makes of it. {@link #toString()} masks all but the last four, so the
 * number cannot slip into a log line or an error message by accident. Errors never quote the input.
 */
public final class CardNumber {

    public static final int MIN_DIGITS = 12;
    public static final int MAX_DIGITS = 19;
    /** Longest raw input looked at (digits plus separators); anything longer is refused unread. */
    public static final int MAX_INPUT = 40;

    private final String digits;

    private CardNumber(String digits) {
        this.digits = digits;
    }

    /**
     * The number in {@code raw}, with spaces and dashes removed.
     *
     * @throws InvalidCardNumber if it is not 12..19 digits with a valid check digit
     */
    public static CardNumber parse(String raw) {
        if (raw == null || raw.length() > MAX_INPUT) {
            throw new InvalidCardNumber("the card number must be " + MIN_DIGITS + " to " + MAX_DIGITS + " digits");
        }
        StringBuilder digits = new StringBuilder(MAX_DIGITS);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c != ' ' && c != '-') {
                throw new InvalidCardNumber("the card number may contain only digits, spaces and dashes");
            }
        }
        if (digits.length() < MIN_DIGITS || digits.length() > MAX_DIGITS) {
            throw new InvalidCardNumber("the card number must be " + MIN_DIGITS + " to " + MAX_DIGITS + " digits");
        }
        if (!luhn(digits)) {
            throw new InvalidCardNumber("the card number is not valid (check digit)");
        }
        return new CardNumber(digits.toString());
    }

    /** Whether the last digit is the Luhn check digit of the others. */
    static boolean luhn(CharSequence digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** The card network, from the number's prefix: VISA, MASTERCARD, AMEX, DISCOVER or UNKNOWN (the names accounts accepts for a saved card). */
    public String brand() {
        int two = Integer.parseInt(digits.substring(0, 2));
        int four = Integer.parseInt(digits.substring(0, 4));
        if (digits.charAt(0) == '4') {
            return "VISA";
        }
        if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
            return "MASTERCARD";
        }
        if (two == 34 || two == 37) {
            return "AMEX";
        }
        if (four == 6011 || two == 65 || (four >= 6440 && four <= 6499)) {
            return "DISCOVER";
        }
        return "UNKNOWN";
    }

    public String last4() {
        return digits.substring(digits.length() - 4);
    }

    /** The digits, for the processor in this package only. */
    String digits() {
        return digits;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CardNumber that && digits.equals(that.digits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(digits);
    }

    /** Masked: {@code ************4242}. */
    @Override
    public String toString() {
        return "*".repeat(digits.length() - 4) + last4();
    }
}
