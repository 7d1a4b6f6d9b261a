package eventshop.edge.tokens;

import eventshop.edgetoken.InvalidTokenKey;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says plainly, at a failed start, which token key setting is wrong and how to set it. */
class InvalidTokenKeyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTokenKey> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidTokenKey cause) {
        String variable = cause.property().toUpperCase().replace('.', '_').replace('-', '_');
        return new FailureAnalysis("Edge cannot sign or check tokens: " + cause.property() + " " + cause.reason() + ".",
                "Set " + cause.property() + " (or the environment variable " + variable + "): it must be the base64 of"
                        + " at least 32 random bytes, the same for edge and every service (e.g. `openssl rand -base64 32`).",
                cause);
    }
}
