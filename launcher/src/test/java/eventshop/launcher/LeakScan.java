package eventshop.launcher;

import eventshop.payments.cards.domain.CardErrors;
import eventshop.payments.cards.domain.CardNumber;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What must never be in a log, looked for in a log's text ({@link LogsKeepNoSecretsTest}): the secrets a test
 * knows it used (passwords, confirmation codes, the token secret, tokens it was given: each exactly), and what
 * is recognisable whoever used it: a token (a JWT: {@code eyJ...}), an {@code Authorization} header or a bearer
 * credential, a password field with a value, and a card number. A number, possibly grouped by spaces or dashes and
 * not part of a longer word or number, is a card number if it is one the test used ({@link #card}) or if it looks
 * like one of the cards in use: 16 digits of Visa, Mastercard or Discover or 15 of American Express, with a valid
 * Luhn check digit (any 12 to 19 digits with a valid check digit would be one number in ten: the logs' 13-digit
 * millisecond timestamps and 19-digit seeds). Each finding is the rule and the line it is on.
 */
final class LeakScan {

    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)\\bauthorization\\b[\"']?\\s*[:=]");
    private static final Pattern BEARER = Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9._~+/=-]{8,}");
    /** {@code password=x}, {@code "password":"x"}, {@code password: x} (not "its password is left as it is"). */
    private static final Pattern PASSWORD_FIELD = Pattern.compile(
            "(?i)\\bpassword[\"']?\\s*[:=]\\s*[\"']?(?!null\\b|\\[hidden]|\\*)[^\\s\"',;}\\]]+");
    /** A run of digits, single spaces or dashes between them, not touching a letter, digit, dot or another separator. */
    private static final Pattern DIGITS = Pattern.compile("(?<![0-9A-Za-z._-])\\d(?:[ -]?\\d){11,18}(?![0-9A-Za-z]|[ -]\\d)");

    private final Set<String> secrets = new LinkedHashSet<>();
    private final Set<String> cards = new LinkedHashSet<>();

    /** Also looks for this card number however it is grouped. */
    LeakScan card(String number) {
        String digits = number.replaceAll("[ -]", "");
        if (!digits.matches("\\d{12,19}")) {
            throw new IllegalArgumentException("not a card number: " + number);
        }
        cards.add(digits);
        return this;
    }

    /** Also looks for this exact text (a password, a code, a token); blank ones are refused, they would match anywhere. */
    LeakScan secret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("a blank secret");
        }
        secrets.add(secret);
        return this;
    }

    /** The findings in {@code text}, one per rule and line: {@code "<rule>: <line>"}; none is the answer wanted. */
    List<String> findings(String text) {
        List<String> findings = new ArrayList<>();
        for (String line : text.split("\\R")) {
            for (String secret : secrets) {
                if (line.contains(secret)) {
                    findings.add("a secret the test used (" + mask(secret) + "): " + line);
                }
            }
            if (JWT.matcher(line).find()) {
                findings.add("a token: " + line);
            }
            if (AUTHORIZATION.matcher(line).find() || BEARER.matcher(line).find()) {
                findings.add("an Authorization header or bearer credential: " + line);
            }
            if (PASSWORD_FIELD.matcher(line).find()) {
                findings.add("a password field with a value: " + line);
            }
            Matcher digits = DIGITS.matcher(line);
            while (digits.find()) {
                String number = digits.group().replaceAll("[ -]", "");
                if (cards.contains(number) || looksLikeACard(number)) {
                    findings.add("a card number: " + line);
                    break;
                }
            }
        }
        return findings;
    }

    private static String mask(String secret) {
        return secret.length() <= 4 ? "****" : secret.substring(0, 2) + "…" + secret.substring(secret.length() - 2);
    }

    private static boolean looksLikeACard(String digits) {
        boolean brand = switch (digits.length()) {
            case 15 -> digits.startsWith("34") || digits.startsWith("37");
            case 16 -> digits.startsWith("4") || digits.matches("5[1-5].*") || digits.startsWith("6011")
                    || digits.startsWith("65") || (digits.compareTo("2221") >= 0 && digits.compareTo("2721") < 0);
            default -> false;
        };
        return brand && validCardNumber(digits);
    }

    /** Payments' own check, the one a tokenization makes (digits, length, Luhn check digit). */
    private static boolean validCardNumber(String digits) {
        try {
            CardNumber.parse(digits);
            return true;
        } catch (CardErrors.InvalidCardNumber invalid) {
            return false;
        }
    }
}
