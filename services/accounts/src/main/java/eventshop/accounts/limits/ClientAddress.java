package eventshop.accounts.limits;

import eventshop.edgetoken.EdgeToken;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The address of the client a request comes from, as edge names it in the services token
 * ({@link EdgeToken#CLIENT_ADDRESS}; signed, so no client can choose it). Limits per client count by
 * {@link #key()}: an IPv4 address itself, an IPv6 address by its /64 network (one subscriber usually holds a whole
 * /64, so counting single IPv6 addresses would limit nothing).
 *
 * @param value the address as edge wrote it (an IP literal)
 */
public record ClientAddress(String value) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    /** The client address of the request being handled on this thread, if its token names one that is an IP literal. */
    public static Optional<ClientAddress> current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof JwtAuthenticationToken jwt) {
            return of(jwt.getToken().getClaimAsString(EdgeToken.CLIENT_ADDRESS));
        }
        return Optional.empty();
    }

    /** {@code text} as a client address, if it is an IPv4 or IPv6 literal (a zone, {@code %eth0}, is dropped). */
    public static Optional<ClientAddress> of(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String address = text.strip();
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        boolean v4 = IPV4.matcher(address).matches();
        if (!v4 && !(IPV6.matcher(address).matches() && address.contains(":"))) {
            return Optional.empty();
        }
        try {
            InetAddress.getByName(address); // a literal: checked, never looked up
        } catch (UnknownHostException | IllegalArgumentException notAnAddress) {
            return Optional.empty();
        }
        return Optional.of(new ClientAddress(address));
    }

    /** What limits count by: the IPv4 address, or the IPv6 address's /64 network ({@code 2001:db8:1:2::/64}). */
    public String key() {
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(value).getAddress();
        } catch (UnknownHostException e) {
            return value;
        }
        if (bytes.length == 4) {
            return value;
        }
        StringBuilder network = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return network.append(":/64").toString();
    }
}
