package eventshop.web.site;

import java.util.Locale;
import org.springframework.stereotype.Component;

/** Integer cents as the pages show them: {@code $12.34}. Used by the templates as {@code @money.format(...)}. */
@Component("money")
public class Money {

    public String format(long cents) {
        long abs = Math.abs(cents);
        return (cents < 0 ? "-" : "") + "$" + String.format(Locale.ROOT, "%,d.%02d", abs / 100, abs % 100);
    }
}
