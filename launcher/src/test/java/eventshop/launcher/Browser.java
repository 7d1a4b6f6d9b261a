package eventshop.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven by its own chromedriver (DESIGN §9: {@code chromium} and {@code chromium-driver},
 * {@code SE_OFFLINE=true}, nothing downloaded), the way a person uses the storefront: controls found by their
 * labels and visible text, screenshots of each page kept under {@code target/screenshots/}. Where no Chromium is
 * installed the test fails, naming the packages to install; it never skips.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final URI base;
    private final String name;
    private final AtomicInteger shots = new AtomicInteger();

    Browser(URI base, String name) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new AssertionError("the browser tests need Debian's chromium and chromedriver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run installs them)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1200,1000", "--disable-dev-shm-usage");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        this.base = base;
        this.name = name;
    }

    void open(String path) {
        driver.get(base.resolve(path).toString());
    }

    /** Logs the browser in with a session token edge minted, as its login form would have. */
    void signedInAs(String sessionToken) {
        open("/products");
        driver.manage().addCookie(new Cookie("eventshop_session", sessionToken, "/"));
    }

    /** The form control a label names (its {@code for} attribute), as a person finds it. */
    WebElement field(String label) {
        WebElement element = driver.findElement(By.xpath("//label[normalize-space(.)=" + quoted(label) + "]"));
        return driver.findElement(By.id(element.getAttribute("for")));
    }

    void type(String label, String text) {
        WebElement field = field(label);
        field.clear();
        field.sendKeys(text);
    }

    /**
     * Presses a form's button and waits for the page the form's post lands on. Every button in the storefront
     * submits a form to the server (no script replaces a page), so pressing one always leaves the page.
     */
    void press(String buttonText) {
        leaving(driver.findElement(By.xpath("//button[normalize-space(.)=" + quoted(buttonText) + "]"))::click);
    }

    /** Clicks a link and waits for the page it leads to. */
    void follow(String linkText) {
        leaving(driver.findElement(By.linkText(linkText))::click);
    }

    /** Submits the form a labelled field belongs to (as Enter in the field does) and waits for the next page. */
    void submit(String label) {
        leaving(field(label)::submit);
    }

    /** Clicks an element that leaves the page (a button found other than by its text) and waits for the next page. */
    void pressAndLeave(WebElement control) {
        leaving(control::click);
    }

    /**
     * Does what leaves the page, then waits until the browser has left it and loaded the next one. A click
     * returns once the event is dispatched, before the navigation it starts; reading or typing at once can
     * find an element of the page being left (CI failed on such a stale label after pressing Register).
     */
    private void leaving(Runnable action) {
        WebElement page = driver.findElement(By.tagName("html"));
        action.run();
        Awaitility.await().atMost(SharedStore.PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> isGone(page) && "complete".equals(driver.executeScript("return document.readyState;")));
    }

    private static boolean isGone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException gone) {
            return true;
        }
    }

    /** The element that has the keyboard's focus. */
    WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** Presses keys as a person would, on whatever has the focus. */
    void keys(CharSequence... keys) {
        new org.openqa.selenium.interactions.Actions(driver).sendKeys(keys).perform();
    }

    /** Presses Tab until the focused element is the one wanted, at most {@code presses} times. */
    WebElement tabUntil(java.util.function.Predicate<WebElement> wanted, int presses) {
        for (int pressed = 0; pressed <= presses; pressed++) {
            WebElement focused = focused();
            if (focused != null && wanted.test(focused)) {
                return focused;
            }
            keys(org.openqa.selenium.Keys.TAB);
        }
        throw new AssertionError("not reached with " + presses + " presses of Tab; the focus is on "
                + focused().getTagName() + " " + focused().getText());
    }

    String text() {
        return driver.findElement(By.tagName("main")).getText();
    }

    /** Marks the page in the browser's memory: the mark survives only as long as the page is not reloaded. */
    void markPage() {
        ((JavascriptExecutor) driver).executeScript("window.eventshopMark = 'unchanged';");
    }

    boolean pageWasNotReloaded() {
        return "unchanged".equals(((JavascriptExecutor) driver).executeScript("return window.eventshopMark;"));
    }

    /**
     * Saves a screenshot of what the browser shows now, after checking that the page is usable: every visible
     * form control has a label (its {@code <label for>}, or an {@code aria-label}), every button has a name, the
     * document names its language, and the page fits a phone's width (390 CSS pixels) without sideways scrolling.
     */
    Path screenshot(String page) {
        assertUsable(page);
        return save(page);
    }

    private Path save(String page) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(String.format("%s-%02d-%s.png", name, shots.incrementAndGet(), page));
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String UNLABELLED = """
            const named = el => (el.labels && el.labels.length > 0) || el.getAttribute('aria-label')
                || el.getAttribute('aria-labelledby');
            const shown = el => el.type !== 'hidden' && el.getClientRects().length > 0;
            const out = [];
            document.querySelectorAll('input, select, textarea').forEach(el => {
              if (shown(el) && !named(el)) out.push(el.outerHTML);
            });
            document.querySelectorAll('button').forEach(el => {
              if (shown(el) && !el.textContent.trim() && !el.getAttribute('aria-label')) out.push(el.outerHTML);
            });
            if (!document.documentElement.lang) out.push('<html> without lang');
            return out;""";

    /** The innermost elements whose right edge is past the screen's, to say what makes a page too wide. */
    private static final String TOO_WIDE = """
            const limit = document.documentElement.clientWidth;
            const out = [];
            document.querySelectorAll('body *').forEach(el => {
              const box = el.getBoundingClientRect();
              if (box.right > limit + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > limit + 1)) {
                out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' (' + Math.round(box.width)
                    + ' px): ' + (el.textContent || '').trim().substring(0, 40));
              }
            });
            return out.slice(0, 8);""";

    private void assertUsable(String page) {
        JavascriptExecutor js = driver;
        Object unlabelled = js.executeScript(UNLABELLED);
        if (unlabelled instanceof java.util.List<?> controls && !controls.isEmpty()) {
            throw new AssertionError("page " + page + ": controls without a label or name: " + controls);
        }
        org.openqa.selenium.Dimension desk = driver.manage().window().getSize();
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            Object overflow = js.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            if (overflow instanceof Number wider && wider.longValue() > 0) {
                throw new AssertionError("page " + page + " is " + wider + " px wider than a phone's 390 px screen;"
                        + " the elements reaching past it: " + js.executeScript(TOO_WIDE));
            }
        } finally {
            driver.manage().window().setSize(desk);
        }
    }

    /** Runs a browsing session; if it fails, the failure names the page the browser was on, and a screenshot keeps it. */
    void visit(Runnable steps) {
        try {
            steps.run();
        } catch (RuntimeException | AssertionError failure) {
            String where;
            try {
                save("failure");
                where = driver.getCurrentUrl() + "\n" + driver.findElement(org.openqa.selenium.By.tagName("body")).getText();
            } catch (RuntimeException unreadable) {
                where = "(the page could not be read: " + unreadable + ")";
            }
            throw new AssertionError(failure.getMessage() + "\n--- the browser was on " + where, failure);
        }
    }

    private static String quoted(String text) {
        return text.contains("'") ? "\"" + text + "\"" : "'" + text + "'";
    }

    @Override
    public void close() {
        driver.quit();
    }
}
