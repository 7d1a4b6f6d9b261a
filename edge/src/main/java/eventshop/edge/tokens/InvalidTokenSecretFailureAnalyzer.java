package eventshop.edge.tokens;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says plainly, at a failed start, that the token secret is what is wrong and how to set it. */
class InvalidTokenSecretFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTokenSecret> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidTokenSecret cause) {
        String variable = cause.property().toUpperCase().replace('.', '_').replace("-", "_");
        return new FailureAnalysis("Edge cannot sign or check tokens: " + cause.property() + " " + cause.reason() + ".",
                "Set " + cause.property() + " (or the environment variable " + variable + "): "
                        + TokenSecret.HOW + ".", cause);
    }
}
