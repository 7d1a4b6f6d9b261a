package eventshop.edge.login;

/** What a user logs in with ({@code POST /api/auth/login}). */
record Credentials(String email, String password) {

    static final int MAX_EMAIL = 254;
    static final int MAX_PASSWORD = 1024;

    /** Never shows the password (in a log line, an exception message). */
    @Override
    public String toString() {
        return "Credentials[email=" + email + ", password=***]";
    }
}
