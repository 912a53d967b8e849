import RevoDrivers
import Testing

@Suite("Service URLs")
struct ServiceURLTests {
    @Test(
        "Redis URLs are parsed; the password never shows in the description",
        arguments: [
            ("redis://127.0.0.1:6380/2", RedisURL(host: "127.0.0.1", port: 6380, database: 2)),
            ("redis://cache", RedisURL(host: "cache")),
            ("redis://:s3cret@cache:7000", RedisURL(host: "cache", port: 7000, password: "s3cret")),
        ]
    )
    func redis(text: String, expected: RedisURL) throws {
        #expect(try RedisURL(parsing: text) == expected)
        #expect(!(try RedisURL(parsing: text).description.contains("s3cret")))
    }

    @Test(
        "bad Redis URLs name what is wrong",
        arguments: [
            ("http://x", "the scheme must be redis://"),
            ("redis://:6379", "no host"),
            ("redis://h:0", "the port '0' is not between 1 and 65535"),
            ("redis://h/x", "the database 'x' is not a number"),
        ]
    )
    func badRedis(text: String, reason: String) {
        #expect(throws: RedisURL.ParseError(value: text, reason: reason)) { try RedisURL(parsing: text) }
    }

    @Test(
        "PostgreSQL URLs are parsed; the password never shows in the description",
        arguments: [
            ("postgres://revo@127.0.0.1:5433/revo", PostgresURL(host: "127.0.0.1", port: 5433, username: "revo", database: "revo")),
            ("postgresql://ada:s3cret@db/app?sslmode=disable", PostgresURL(host: "db", username: "ada", password: "s3cret", database: "app")),
        ]
    )
    func postgres(text: String, expected: PostgresURL) throws {
        #expect(try PostgresURL(parsing: text) == expected)
        #expect(!(try PostgresURL(parsing: text).description.contains("s3cret")))
    }

    @Test(
        "bad PostgreSQL URLs name what is wrong",
        arguments: [
            ("mysql://a@b/c", "the scheme must be postgres://"),
            ("postgres://db/app", "no user: write user@host"),
            ("postgres://ada@db", "no database: end with /database"),
            ("postgres://ada@db:99999/app", "the port '99999' is not between 1 and 65535"),
            ("postgres://ada@:5432/app", "no host"),
        ]
    )
    func badPostgres(text: String, reason: String) {
        #expect(throws: PostgresURL.ParseError(value: text, reason: reason)) { try PostgresURL(parsing: text) }
    }
}
