import Testing
@testable import Config

@Suite struct DurationTests {
    /// Parse then print, as Prometheus's model.Duration round-trips them (TestParseDuration).
    @Test(arguments: [
        ("0", 0, "0s"), ("0s", 0, "0s"), ("0w", 0, "0s"), ("324ms", 324, "324ms"), ("3s", 3000, "3s"),
        ("5m", 300_000, "5m"), ("1h", 3_600_000, "1h"), ("4d", 345_600_000, "4d"), ("4d1h", 349_200_000, "4d1h"),
        ("14d", 1_209_600_000, "2w"), ("3w", 1_814_400_000, "3w"), ("3w2d1h", 1_990_800_000, "23d1h"),
        ("10y", 315_360_000_000, "10y"), ("1h30m", 5_400_000, "1h30m"), ("100ms", 100, "100ms"),
        ("90s", 90_000, "1m30s"), ("1m100ms", 60_100, "1m100ms"),
    ] as [(String, Int64, String)])
    func parseAndFormat(_ text: String, _ ms: Int64, _ printed: String) throws {
        let d = try PromDuration(parsing: text)
        #expect(d.milliseconds == ms)
        #expect(d.description == printed)
        #expect(try PromDuration(parsing: printed) == d)
    }

    @Test(arguments: [
        ("", "empty duration string"), ("1", "not a valid duration string: \"1\""), ("s", "not a valid duration string: \"s\""),
        ("1m1h", "not a valid duration string: \"1m1h\""), ("1s1s", "not a valid duration string: \"1s1s\""),
        ("-1s", "not a valid duration string: \"-1s\""), ("1.5h", "unknown unit \".\" in duration \"1.5h\""),
        ("3x", "unknown unit \"x\" in duration \"3x\""), ("1H", "unknown unit \"H\" in duration \"1H\""),
        ("300y", "duration out of range"),
    ])
    func parseErrors(_ text: String, _ message: String) {
        #expect(throws: DurationError(message: message)) { try PromDuration(parsing: text) }
    }

    @Test func swiftDuration() {
        #expect(PromDuration.seconds(15).duration == .seconds(15))
        #expect(PromDuration(milliseconds: 1500).seconds == 1.5)
    }
}

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("0", 0, "0B"), ("1024B", 1024, "1KiB"), ("10MB", 10 << 20, "10MiB"), ("10MiB", 10 << 20, "10MiB"),
        ("1GB512MB", (1 << 30) + (512 << 20), "1GiB512MiB"), ("1.5KB", 1536, "1KiB512B"), ("100B", 100, "100B"),
        ("1TB", 1 << 40, "1TiB"),
    ] as [(String, Int64, String)])
    func parseAndFormat(_ text: String, _ bytes: Int64, _ printed: String) throws {
        let b = try ByteSize(parsing: text)
        #expect(b.bytes == bytes)
        #expect(b.description == printed)
        #expect(try ByteSize(parsing: printed) == b)
    }

    @Test(arguments: [("10XB", "units: unknown unit XB in 10XB"), ("MB", "units: invalid MB"), ("", "units: invalid "),
                      ("100", "units: unknown unit  in 100")])
    func parseErrors(_ text: String, _ message: String) {
        #expect(throws: ByteSizeError(message: message)) { try ByteSize(parsing: text) }
    }
}
