package eventshop.edge.tokens;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says plainly, at a failed start, that the token secret is what is wrong and how to set it. */
class InvalidTokenSecretFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTokenSecret> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidTokenSecret cause) {
        return new FailureAnalysis("Edge cannot sign or check tokens: " + TokenSecret.PROPERTY + " " + cause.reason() + ".",
                "Set " + TokenSecret.PROPERTY + " (or the environment variable EVENTSHOP_SECURITY_TOKEN_SECRET): "
                        + TokenSecret.HOW + ".", cause);
    }
}
