package eventshop.eventsourcing.web;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.eventsourcing.consistency.InvalidConsistencyToken;
import eventshop.eventsourcing.consistency.NotYetConsistent;
import eventshop.eventsourcing.decider.DomainError;
import eventshop.eventsourcing.privacy.PrivacyErrors;
import eventshop.eventstore.DuplicateEventId;
import eventshop.eventstore.InvalidRequest;
import eventshop.eventstore.StorageUnavailable;
import eventshop.eventstore.WrongExpectedVersion;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.Errors;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.CookieValue;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.MatrixVariable;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place where errors become RFC 9457 problem responses ({@code application/problem+json}), each
 * kind with a stable {@code type} ({@code /problems/<slug>}), a {@code title} and a {@code detail} that says
 * what is wrong without quoting secrets. The kinds every service shares:
 * <ul>
 *   <li>{@code invalid-fields} (400): named fields are missing or invalid, listed in the {@code errors}
 *       extension member as {@link InvalidField}s ({@code [{field, in, message}]}): Bean Validation of
 *       bodies and parameters, wrong JSON types, parameters that do not convert, missing parameters and
 *       headers, members given twice, refused text ({@link StrictJson}, {@link StrictText});</li>
 *   <li>{@code malformed-json} (400): the body is not the JSON expected (not JSON, cut off, missing, not an
 *       object);</li>
 *   <li>{@code malformed-request} (400): the request line, headers or query string are broken
 *       ({@link ProblemReportValve}, {@link ProblemErrorController}, {@link ParameterProblems});</li>
 *   <li>the protocol's own, typed by status: {@code not-found}, {@code method-not-allowed},
 *       {@code not-acceptable}, {@code unsupported-media-type}, {@code payload-too-large};</li>
 *   <li>rules ({@link DomainError}: 401/403/404/409/422, and 429 with {@code Retry-After}, typed by the error), {@code concurrent-modification},
 *       {@code duplicate-request}, {@code invalid-consistency-token}, {@code not-yet-consistent} and
 *       {@code service-unavailable}, {@code overloaded} and {@code storage-unavailable} (503 with {@code Retry-After}), and
 *       {@code internal-error} (500, logged here, no internals in the answer).</li>
 * </ul>
 * Spring MVC's own errors come from the base class and get their type here ({@link #createResponseEntity}).
 */
@RestControllerAdvice
public class Problems extends ResponseEntityExceptionHandler {

    public static final String INVALID_FIELDS = "invalid-fields";
    public static final String MALFORMED_JSON = "malformed-json";
    public static final String MALFORMED_REQUEST = "malformed-request";

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The {@code type} URI of a problem kind. */
    public static URI type(String slug) {
        return URI.create("/problems/" + slug);
    }

    /** A problem of a given kind. */
    public static ProblemDetail problem(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }

    /** 400 {@code invalid-fields}: these fields are refused; the detail lists them, {@code errors} too. */
    public static ProblemDetail invalidFields(List<InvalidField> errors) {
        String detail = errors.stream().map(error -> error.field() + " " + error.message())
                .collect(Collectors.joining("; "));
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, INVALID_FIELDS, "Invalid fields", detail);
        problem.setProperty("errors", List.copyOf(errors));
        return problem;
    }

    /** 400 {@code malformed-json}: the body as a whole is not what was expected. */
    public static ProblemDetail malformedJson(String detail) {
        return problem(HttpStatus.BAD_REQUEST, MALFORMED_JSON, "Malformed JSON", detail);
    }

    /**
     * The problem for a body that could not be read ({@link StrictJson#read} failed): {@code invalid-fields}
     * naming the member at fault, or {@code malformed-json}. Never quotes the body.
     */
    public static ProblemDetail unreadableBody(JacksonException failure) {
        return JsonProblems.of(failure);
    }

    /** A problem of the kind a bare status stands for (for errors that come with no kind of their own). */
    public static ProblemDetail forStatus(HttpStatusCode status, @Nullable String detail) {
        return problem(status, slug(status), title(status), detail != null ? detail : title(status).toLowerCase());
    }

    /** Fills in the type and title of a problem made elsewhere (Spring MVC's own errors). */
    public static ProblemDetail typed(ProblemDetail problem) {
        HttpStatusCode status = HttpStatusCode.valueOf(problem.getStatus());
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(type(slug(status)));
        }
        if (problem.getTitle() == null) {
            problem.setTitle(title(status));
        }
        if (problem.getDetail() == null) {
            problem.setDetail(title(status).toLowerCase());
        }
        return problem;
    }

    /** The slug of the kind a status stands for when nothing more is known. */
    public static String slug(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known == null) {
            return status.is4xxClientError() ? MALFORMED_REQUEST : "internal-error";
        }
        return switch (known) {
            case BAD_REQUEST -> MALFORMED_REQUEST;
            case UNAUTHORIZED -> "unauthorized";
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case NOT_ACCEPTABLE -> "not-acceptable";
            case CONTENT_TOO_LARGE -> "payload-too-large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            case INTERNAL_SERVER_ERROR -> "internal-error";
            case SERVICE_UNAVAILABLE -> "service-unavailable";
            default -> known.name().toLowerCase().replace('_', '-');
        };
    }

    private static String title(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known != null ? known.getReasonPhrase() : "Error " + status.value();
    }

    /** The problem's members as its JSON object holds them (extension members at the top level). */
    public static Map<String, Object> members(ProblemDetail problem) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("type", problem.getType() == null ? null : problem.getType().toString());
        members.put("title", problem.getTitle());
        members.put("status", problem.getStatus());
        if (problem.getDetail() != null) {
            members.put("detail", problem.getDetail());
        }
        if (problem.getInstance() != null) {
            members.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            members.putAll(problem.getProperties());
        }
        return members;
    }

    /**
     * Writes a problem straight to a servlet response, for code that answers before or outside Spring MVC
     * (filters, security handlers, the error valve). Does nothing if the response is already committed.
     */
    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(JSON.writeValueAsBytes(members(problem)));
        response.flushBuffer();
    }

    /** The problem as the JSON text of its response. */
    static String json(ProblemDetail problem) {
        return JSON.writeValueAsString(members(problem));
    }

    // ---------------------------------------------------------------- rules and the toolkit's errors

    @ExceptionHandler(DomainError.class)
    public ResponseEntity<ProblemDetail> domainError(DomainError error) {
        HttpStatus status = switch (error.kind()) {
            case CONFLICT -> HttpStatus.CONFLICT;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case UNAUTHORIZED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case TOO_MANY_REQUESTS -> HttpStatus.TOO_MANY_REQUESTS;
        };
        String title = error.slug().replace('-', ' ');
        ProblemDetail problem = problem(status, error.slug(), Character.toUpperCase(title.charAt(0)) + title.substring(1),
                error.getMessage());
        return error.retryAfter()
                .map(wait -> ResponseEntity.status(status).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds(wait))
                        .body(problem))
                .orElseGet(() -> respond(problem));
    }

    @ExceptionHandler(WrongExpectedVersion.class)
    public ResponseEntity<ProblemDetail> conflict(WrongExpectedVersion error) {
        return respond(problem(HttpStatus.CONFLICT, "concurrent-modification", "Concurrent modification",
                "the resource was changed by another request at the same time; retry"));
    }

    @ExceptionHandler(DuplicateEventId.class)
    public ResponseEntity<ProblemDetail> duplicate(DuplicateEventId error) {
        return respond(problem(HttpStatus.CONFLICT, "duplicate-request", "Duplicate request", error.getMessage()));
    }

    @ExceptionHandler(InvalidRequest.class)
    public ResponseEntity<ProblemDetail> invalid(InvalidRequest error) {
        return respond(problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", error.getMessage()));
    }

    @ExceptionHandler(InvalidConsistencyToken.class)
    public ResponseEntity<ProblemDetail> invalidToken(InvalidConsistencyToken error) {
        return respond(problem(HttpStatus.BAD_REQUEST, "invalid-consistency-token", "Invalid consistency token",
                error.getMessage()));
    }

    @ExceptionHandler(NotYetConsistent.class)
    public ResponseEntity<ProblemDetail> notYetConsistent(NotYetConsistent error) {
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "not-yet-consistent", "Not yet consistent",
                error.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }

    /** This service is at one of its limits (a full bulkhead): 503 with Retry-After, nothing changed. */
    @ExceptionHandler(Overloaded.class)
    public ResponseEntity<ProblemDetail> overloaded(Overloaded error) {
        LOG.warn("{}", error.getMessage());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Overloaded", error.getMessage());
        long seconds = Math.max(1, (error.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds)).body(problem);
    }

    /** A service this one needed could not answer: 503 with Retry-After, nothing changed. */
    @ExceptionHandler(ServiceUnavailable.class)
    public ResponseEntity<ProblemDetail> serviceUnavailable(ServiceUnavailable error) {
        LOG.warn("{}", error.getMessage());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                error.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }

    /** The keys of a data subject could not be fetched from their owner: 503 with Retry-After, nothing changed. */
    @ExceptionHandler(PrivacyErrors.KeysUnavailable.class)
    public ResponseEntity<ProblemDetail> keysUnavailable(PrivacyErrors.KeysUnavailable error) {
        LOG.warn("{}", error.getMessage());
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                "the personal data of this request cannot be sealed or opened just now; try again shortly");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }

    /** Personal data of a forgotten data subject was to be sealed (a late request of an erased account): 410. */
    @ExceptionHandler(PrivacyErrors.SubjectForgotten.class)
    public ResponseEntity<ProblemDetail> subjectForgotten(PrivacyErrors.SubjectForgotten error) {
        LOG.info("{}", error.getMessage());
        return ResponseEntity.status(HttpStatus.GONE).body(problem(HttpStatus.GONE, "account-forgotten",
                "Account forgotten", "the account was forgotten at its owner's request; nothing is kept for it"));
    }

    /**
     * The event store's storage failed under the request (a disk error or full disk, the database out of
     * reach): 503 with Retry-After. The change was not acknowledged; the answer names no internals (the cause
     * is logged here).
     */
    @ExceptionHandler(StorageUnavailable.class)
    public ResponseEntity<ProblemDetail> storageUnavailable(StorageUnavailable error) {
        LOG.warn("the event store's storage failed under a request", error);
        ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "storage-unavailable", "Storage unavailable",
                "the change could not be stored just now and was not confirmed; try again shortly");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, STORAGE_RETRY_AFTER_SECONDS).body(problem);
    }

    /** How long a client waits before it tries again after {@code storage-unavailable}: a disk or database takes a while. */
    private static final String STORAGE_RETRY_AFTER_SECONDS = "5";

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> unexpected(Exception error) {
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof StorageUnavailable unavailable) {
                return storageUnavailable(unavailable); // arrived wrapped (an async append's CompletionException)
            }
        }
        LOG.error("unexpected error while handling a request", error);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the request failed unexpectedly; nothing was changed unless a response said so"));
    }

    // ---------------------------------------------------------------- Spring MVC's errors

    /** A body that is not the JSON expected: 400 ({@code invalid-fields} or {@code malformed-json}); cut off by {@link RequestSizeLimit}: 413. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException error,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestSizeLimit.RequestTooLarge tooLarge) {
                return respondWith(RequestSizeLimit.tooLarge(tooLarge.maxBytes), headers);
            }
        }
        return respondWith(JsonProblems.of(error), headers);
    }

    /** {@code @Valid @RequestBody} refused by Bean Validation. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException error,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        return respondWith(invalidFields(bodyErrors(error.getBindingResult())), headers);
    }

    /** Constraints on parameters ({@code @Max} on a query parameter, {@code @Pattern} on a path variable or header). */
    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException error,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        List<InvalidField> errors = new ArrayList<>();
        error.visitResults(new HandlerMethodValidationException.Visitor() {
            @Override
            public void requestParam(@Nullable RequestParam param, ParameterValidationResult result) {
                add(InvalidField.QUERY, param == null ? "" : param.name(), result);
            }

            @Override
            public void pathVariable(PathVariable variable, ParameterValidationResult result) {
                add(InvalidField.PATH, variable.name(), result);
            }

            @Override
            public void requestHeader(RequestHeader header, ParameterValidationResult result) {
                add(InvalidField.HEADER, header.name(), result);
            }

            @Override
            public void requestBody(RequestBody body, ParameterErrors result) {
                errors.addAll(bodyErrors(result));
            }

            @Override
            public void requestBodyValidationResult(RequestBody body, ParameterValidationResult result) {
                add(InvalidField.BODY, "(body)", result);
            }

            @Override
            public void cookieValue(CookieValue cookie, ParameterValidationResult result) {
                add("cookie", cookie.name(), result);
            }

            @Override
            public void matrixVariable(MatrixVariable variable, ParameterValidationResult result) {
                add(InvalidField.PATH, variable.name(), result);
            }

            @Override
            public void modelAttribute(@Nullable ModelAttribute attribute, ParameterErrors result) {
                errors.addAll(bodyErrors(result));
            }

            @Override
            public void requestPart(RequestPart part, ParameterErrors result) {
                errors.addAll(bodyErrors(result));
            }

            @Override
            public void other(ParameterValidationResult result) {
                add(InvalidField.QUERY, "", result);
            }

            private void add(String in, String name, ParameterValidationResult result) {
                String field = name.isEmpty() ? parameterName(result.getMethodParameter()) : name;
                for (MessageSourceResolvable refusal : result.getResolvableErrors()) {
                    errors.add(new InvalidField(field, in, message(refusal)));
                }
            }
        });
        return respondWith(invalidFields(errors), headers);
    }

    /** A query parameter, path variable or header that does not convert ({@code size=abc}) or is refused text. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException error, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String message = error.getCause() instanceof StrictText.RefusedText refused ? refused.getMessage()
                : "must be " + JsonProblems.expected(error.getRequiredType());
        String field = error.getPropertyName() != null ? error.getPropertyName() : "(parameter)";
        String in = InvalidField.QUERY;
        if (error instanceof org.springframework.web.method.annotation.MethodArgumentTypeMismatchException mismatch) {
            field = mismatch.getName();
            in = where(mismatch.getParameter());
        }
        return respondWith(invalidFields(List.of(new InvalidField(field, in, message))), headers);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException error,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          WebRequest request) {
        return respondWith(invalidFields(List.of(new InvalidField(error.getParameterName(), InvalidField.QUERY,
                "is required"))), headers);
    }

    @Override
    protected ResponseEntity<Object> handleServletRequestBindingException(ServletRequestBindingException error,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          WebRequest request) {
        if (error instanceof MissingRequestHeaderException missing) {
            return respondWith(invalidFields(List.of(new InvalidField(missing.getHeaderName(), InvalidField.HEADER,
                    "is required"))), headers);
        }
        return super.handleServletRequestBindingException(error, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException error,
                                                                    HttpHeaders headers, HttpStatusCode status,
                                                                    WebRequest request) {
        return respondWith(problem(status, "not-found", "Not found", "there is nothing at /" + error.getResourcePath()),
                headers);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException error,
                                                                      HttpHeaders headers, HttpStatusCode status,
                                                                      WebRequest request) {
        String detail = error.getSupportedMediaTypes().isEmpty() ? "the Accept header is malformed"
                : "this answers only " + error.getSupportedMediaTypes().stream().map(MediaType::toString)
                        .collect(Collectors.joining(", ")) + "; the Accept header allows none of them";
        return respondWith(problem(status, "not-acceptable", "Not acceptable", detail), headers);
    }

    /** Every other problem Spring MVC makes gets the type of its status. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
                                                          HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? typed(detail) : forStatus(status, null);
        return new ResponseEntity<>(problem, headers, status);
    }

    // ----------------------------------------------------------------

    /** A {@code Retry-After} value: whole seconds, rounded up, at least 1. */
    public static String retryAfterSeconds(java.time.Duration wait) {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Long.toString(Math.max(1, seconds));
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }

    private static ResponseEntity<Object> respondWith(ProblemDetail problem, HttpHeaders headers) {
        return new ResponseEntity<>(problem, headers, HttpStatusCode.valueOf(problem.getStatus()));
    }

    private static List<InvalidField> bodyErrors(Errors result) {
        List<InvalidField> errors = new ArrayList<>();
        for (FieldError field : result.getFieldErrors()) {
            errors.add(InvalidField.body(field.getField(), message(field)));
        }
        result.getGlobalErrors().forEach(global -> errors.add(InvalidField.body("(body)", message(global))));
        return errors;
    }

    private static String message(MessageSourceResolvable refusal) {
        String message = refusal.getDefaultMessage();
        return message == null || message.isBlank() ? "is invalid" : message;
    }

    private static String where(@Nullable MethodParameter parameter) {
        if (parameter == null || parameter.hasParameterAnnotation(RequestParam.class)) {
            return InvalidField.QUERY;
        }
        if (parameter.hasParameterAnnotation(PathVariable.class) || parameter.hasParameterAnnotation(MatrixVariable.class)) {
            return InvalidField.PATH;
        }
        if (parameter.hasParameterAnnotation(RequestHeader.class)) {
            return InvalidField.HEADER;
        }
        return InvalidField.QUERY;
    }

    private static String parameterName(MethodParameter parameter) {
        String name = parameter.getParameterName();
        return name != null ? name : "arg" + parameter.getParameterIndex();
    }
}
