#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 256-entry character-class table shared by both parsers: one load and one mask per byte.
/// Allocated once for the process and never freed, so parsers keep a plain pointer to it.
enum CharClass {
    /// `[a-zA-Z_:]`: first byte of an unquoted metric name.
    static let metricStart: UInt8 = 1 << 0
    /// `[a-zA-Z0-9_:]`
    static let metricChar: UInt8 = 1 << 1
    /// `[a-zA-Z_]`: first byte of an unquoted label name.
    static let labelStart: UInt8 = 1 << 2
    /// `[a-zA-Z0-9_]`
    static let labelChar: UInt8 = 1 << 3
    /// Ends a text-format value token: space, tab, newline, `{`, NUL (promlex `[^{ \t\n]+`).
    static let textValueEnd: UInt8 = 1 << 4
    /// Needs attention inside a quoted string: `"`, `\`, newline, and bytes ≥ 0x80 (UTF-8
    /// check). Everything else is copied through by the fast loop.
    static let quotedSpecial: UInt8 = 1 << 5
    /// Ends an OpenMetrics token: space, newline, NUL (openmetricslex `[^ \n]+`).
    static let omValueEnd: UInt8 = 1 << 6
    /// `[0-9]`
    static let digit: UInt8 = 1 << 7

    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        t.initialize(repeating: 0, count: 256)
        for c in 0..<256 {
            var v: UInt8 = 0
            let isAlpha = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            let isDigit = c >= 0x30 && c <= 0x39
            let u = c == 0x5F
            if isAlpha || u || c == 0x3A { v |= metricStart | metricChar }
            if isDigit { v |= metricChar | labelChar | digit }
            if isAlpha || u { v |= labelStart | labelChar }
            // NUL ends tokens too: golex's negated classes never match it.
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x7B || c == 0 { v |= textValueEnd }
            if c == 0x22 || c == 0x5C || c == 0x0A || c >= 0x80 { v |= quotedSpecial }
            if c == 0x20 || c == 0x0A || c == 0 { v |= omValueEnd }
            t[c] = v
        }
        return UnsafePointer(t)
    }()

    /// Unquoted metric name per Prometheus's legacy rules, `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isLegacyMetricName(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = b.first, table[Int(f)] & metricStart != 0 else { return false }
        for c in b where table[Int(c)] & metricChar == 0 { return false }
        return true
    }

    /// Unquoted label name, `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isLegacyLabelName(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = b.first, table[Int(f)] & labelStart != 0 else { return false }
        for c in b where table[Int(c)] & labelChar == 0 { return false }
        return true
    }
}

/// UTF-8 validation with Go's `utf8.Valid` rules (no overlongs, no surrogates, ≤ U+10FFFF).
enum UTF8Check {
    /// Length of the valid sequence starting at `i`, or 0 when it is invalid.
    @inline(__always)
    static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let n = b.count
        let c0 = b[i]
        if c0 < 0x80 { return 1 }
        func cont(_ k: Int) -> Bool { k < n && b[k] & 0xC0 == 0x80 }
        switch c0 {
        case 0xC2...0xDF:
            return cont(i + 1) ? 2 : 0
        case 0xE0...0xEF:
            guard i + 2 < n, cont(i + 1), cont(i + 2) else { return 0 }
            let c1 = b[i + 1]
            if c0 == 0xE0 && c1 < 0xA0 { return 0 }   // overlong
            if c0 == 0xED && c1 > 0x9F { return 0 }   // surrogates
            return 3
        case 0xF0...0xF4:
            guard i + 3 < n, cont(i + 1), cont(i + 2), cont(i + 3) else { return 0 }
            let c1 = b[i + 1]
            if c0 == 0xF0 && c1 < 0x90 { return 0 }   // overlong
            if c0 == 0xF4 && c1 > 0x8F { return 0 }   // > U+10FFFF
            return 4
        default:
            return 0
        }
    }

    static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        // ASCII fast path, eight bytes at a time.
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
        }
        while i < n {
            if b[i] < 0x80 { i += 1; continue }
            let l = sequenceLength(b, i)
            if l == 0 { return false }
            i += l
        }
        return true
    }
}

/// Byte search with libc's vectorised `memchr`.
enum ByteSearch {
    /// Index of the first `byte` in `b[from..<b.count]`, or `b.count`.
    @inline(__always)
    static func index(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard from < b.count, let base = b.baseAddress else { return b.count }
        guard let p = memchr(base + from, Int32(byte), b.count - from) else { return b.count }
        return UnsafeRawPointer(p) - UnsafeRawPointer(base)
    }
}

/// The byte scanners both parsers use, as non-mutating functions so the loop runs in registers.
protocol ByteScanning {
    var b: UnsafeBufferPointer<UInt8> { get }
    var cls: UnsafePointer<UInt8> { get }
}

extension ByteScanning {
    /// First index ≥ `from` whose class has none of `mask` (or the end).
    @inline(__always)
    func scan(_ from: Int, while mask: UInt8) -> Int {
        let n = b.count
        guard let p = b.baseAddress else { return from }
        let c = cls
        var k = from
        while k < n && c[Int(p[k])] & mask != 0 { k += 1 }
        return k
    }

    /// First index ≥ `from` whose class has one of `mask` (or the end).
    @inline(__always)
    func scan(_ from: Int, until mask: UInt8) -> Int {
        let n = b.count
        guard let p = b.baseAddress else { return from }
        let c = cls
        var k = from
        while k < n && c[Int(p[k])] & mask == 0 { k += 1 }
        return k
    }
}

/// The body of a `"…"` token of either exposition format: promlex/openmetricslex
/// `\"(\\.|[^\\"])*\"` (optionally without raw newlines). One scanner for both parsers.
enum QuotedScan {
    /// Scans from `open` (the opening quote) to the closing quote. Returns the closing quote's
    /// index, the raw newlines inside, and whether non-ASCII bytes need a UTF-8 check; nil when
    /// unterminated, when a backslash precedes a newline or the end, or when a raw newline is not
    /// allowed.
    @inline(__always)
    static func scan(_ b: UnsafeBufferPointer<UInt8>, _ cls: UnsafePointer<UInt8>, open: Int,
                     allowNewline: Bool) -> (close: Int, newlines: Int, high: Bool)? {
        let n = b.count
        var k = open + 1
        var high = false
        var newlines = 0
        while k < n {
            let c = b[k]
            if cls[Int(c)] & CharClass.quotedSpecial == 0 { k += 1; continue }
            if c == 0x22 { break }
            if c == 0x5C {
                if k + 1 >= n || b[k + 1] == 0x0A { return nil }
                k += 2
                continue
            }
            if c == 0x0A {
                if !allowNewline { return nil }
                newlines += 1
            } else {
                high = true
            }
            k += 1
        }
        if k >= n { return nil }
        return (k, newlines, high)
    }
}
